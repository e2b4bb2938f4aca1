using System.Diagnostics.Metrics;
using Booking.Core.Telemetry;
using Booking.Testing;
using Booking.Worker.Holds;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace Booking.FaultTests;

/// <summary>A starting worker runs its paths once, in a transaction it rolls back, before it takes any partition.</summary>
[Collection(FaultCollection.Name)]
public sealed class WorkerWarmUpTests(FaultFixture system) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => system.AssertNoWorkerLeftAsync();

    [Fact]
    public async Task Should_warm_up_before_taking_partitions_and_leave_no_row_and_no_count_behind()
    {
        using var committed = new CommittedHolds();
        await using var worker = system.StartWorker(
            new Dictionary<string, string?> { ["Logging:LogLevel:Booking.Worker"] = "Information" }, services => services.AddFakeLogging());
        await worker.WaitForAllPartitionsAsync();

        var logs = worker.Services.GetFakeLogCollector().GetSnapshot().ToList();
        var warmedUp = logs.FindIndex(log => log.Category == typeof(WorkerWarmUp).FullName && log.Message.StartsWith("Warmed up", StringComparison.Ordinal));
        Assert.True(warmedUp >= 0, "the worker did not report a warm-up");
        Assert.True(logs.FindIndex(log => log.Message.StartsWith("Attached to partition", StringComparison.Ordinal)) > warmedUp);
        // Two of its three holds were held, under meters no exporter reads; the business count saw none of them.
        Assert.Equal(2, committed.WarmUp);
        Assert.Equal(0, committed.Business);
        Assert.Equal(0L, Sql.Scalar<long>(system.Postgres, "SELECT count(*) FROM showtimes WHERE movie = 'warm-up'"));
        Assert.Equal(0L, Sql.Scalar<long>(system.Postgres, "SELECT count(*) FROM bookings WHERE customer_id = 'warm-up'"));
    }

    /// <summary>Counts <c>booking.holds.committed</c> on the business meter and on the warm-up's own.</summary>
    private sealed class CommittedHolds : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _business;
        private long _warmUp;

        public CommittedHolds()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "booking.holds.committed" && instrument.Meter.Name.StartsWith(BookingMetrics.MeterName, StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
                Interlocked.Add(ref instrument.Meter.Name == BookingMetrics.MeterName ? ref _business : ref _warmUp, value));
            _listener.Start();
        }

        public long Business => Interlocked.Read(ref _business);

        public long WarmUp => Interlocked.Read(ref _warmUp);

        public void Dispose() => _listener.Dispose();
    }
}
