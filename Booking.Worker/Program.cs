using Booking.Core.Data;
using Booking.Core.Gate;
using Booking.Core.Messaging;
using Booking.ServiceDefaults;
using Booking.Worker.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBookingData();
builder.AddSeatGate();
builder.AddBookingMessaging(bus => bus.AddWorkerConsumers());
builder.AddWorkerServices();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
