using Booking.Contracts;
using Booking.Core;
using Booking.Core.Batching;
using Booking.Worker.Callbacks;
using Booking.Worker.Consumers;
using Booking.Worker.Gate;
using Booking.Worker.Holds;
using Booking.Worker.Partitions;
using Booking.Worker.Publishing;
using Booking.Worker.Sweeping;
using MassTransit;

namespace Booking.Worker.Extensions;

/// <summary>Registers the worker role: partition consumers, sweepers and callbacks.</summary>
public static class WorkerServiceExtensions
{
    /// <summary>
    /// Adds the worker's services. The database, gate and bus are added by the host (see Program.cs), so one process
    /// can host several roles on one of each.
    /// </summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        builder.AddBookingOptions();
        builder.Services.AddOptions<PartitionOptions>().BindConfiguration(PartitionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SweeperOptions>().BindConfiguration(SweeperOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<GateGuardOptions>().BindConfiguration(GateGuardOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton<LaneLocks>();
        builder.Services.AddSingleton<CommitLanes>();
        builder.Services.AddSingleton<GroupCommit<RequestSeatHold>>();
        builder.Services.AddSingleton(_ => new KnownSeats());
        builder.Services.AddScoped<HoldBatch>();
        builder.Services.AddScoped<WriteRetry>();
        builder.Services.AddScoped<PoisonHolds>();
        builder.Services.AddSingleton<GroupCommit<HeldBookingChange>>();
        builder.Services.AddScoped<HeldBookings>();
        builder.Services.AddScoped<HeldBookingCommands>();
        builder.Services.AddScoped<OutcomePublisher>();
        builder.Services.AddSingleton<PublishedMarks>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PublishedMarks>());
        builder.Services.AddSingleton<WorkerRegistry>();
        builder.Services.AddSingleton<PartitionDelays>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartitionDelays>());
        // Started, and finished, before the partitions are attached: hosted services start one after another.
        builder.Services.AddHostedService<WorkerWarmUp>();
        builder.Services.AddSingleton<PartitionEndpoints>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PartitionEndpoints>());
        builder.Services.AddSingleton<ExpiredHoldSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ExpiredHoldSweeper>());
        builder.Services.AddSingleton<UnpublishedChangeSweeper>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UnpublishedChangeSweeper>());
        builder.Services.AddHostedService<GateGuard>();
        builder.AddCallbacks();
        return builder;
    }

    /// <summary>
    /// Registers the partition consumers without endpoints of their own: <see cref="PartitionEndpoints"/> attaches
    /// them to the partition queues this worker wins.
    /// </summary>
    public static void AddWorkerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RequestSeatHoldConsumer, RequestSeatHoldConsumerDefinition>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<ConfirmBookingConsumer, ConfirmBookingConsumerDefinition>().ExcludeFromConfigureEndpoints();
        bus.AddConsumer<CancelBookingConsumer, CancelBookingConsumerDefinition>().ExcludeFromConfigureEndpoints();
        bus.AddCallbackConsumer();
    }
}
