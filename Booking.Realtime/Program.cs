using Booking.Core.Messaging;
using Booking.Realtime.Extensions;
using Booking.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddBookingMessaging(bus => bus.AddRealtimeConsumers());
builder.AddRealtimeServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapRealtimeHub();

app.Run();

