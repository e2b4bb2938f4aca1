using Booking.Core.Data;
using Booking.Core.Gate;
using Booking.Core.Messaging;
using Booking.Ingress.Extensions;
using Booking.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBookingData();
builder.AddSeatGate();
builder.AddBookingMessaging();
builder.AddIngressServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapIngressApi();

app.Run();
