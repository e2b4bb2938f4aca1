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
// The hub first: it puts CORS before authentication, which the ingress then does not add a second time.
app.MapRealtimeHub();
app.MapIngressApi();

app.Run();
