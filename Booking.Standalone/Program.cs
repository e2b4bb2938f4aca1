using Booking.Core.Data;
using Booking.Core.Gate;
using Booking.Core.Messaging;
using Booking.Ingress.Extensions;
using Booking.Realtime.Extensions;
using Booking.ServiceDefaults;
using Booking.Standalone.Extensions;
using Booking.Worker.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddStandaloneServices();
builder.AddBookingData();
builder.AddSeatGate();
builder.AddBookingMessaging(bus =>
{
    bus.AddWorkerConsumers();
    bus.AddRealtimeConsumers();
});
builder.AddIngressServices();
builder.AddWorkerServices();
builder.AddRealtimeServices();

var app = builder.Build();

app.MapDefaultEndpoints();
app.MapIngressApi();
app.MapRealtimeHub();

app.Run();
