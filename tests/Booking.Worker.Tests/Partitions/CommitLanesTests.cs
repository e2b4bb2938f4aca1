using Booking.Worker.Partitions;
using Microsoft.Extensions.Options;

namespace Booking.Worker.Tests.Partitions;

public sealed class CommitLanesTests
{
    [Fact]
    public void Should_deal_partitions_to_lanes_in_turn_and_keep_each_on_its_lane()
    {
        var lanes = new CommitLanes(Options.Create(new PartitionOptions { CommitLanes = 2 }));
        var queues = new[] { 7, 3, 12 }.Select(partition => new Uri($"rabbitmq://localhost/booking-partition-{partition}")).ToList();

        var dealt = queues.Select(lanes.For).ToList();

        Assert.Equal(dealt[0], dealt[2]);
        Assert.NotEqual(dealt[0], dealt[1]);
        Assert.Equal(dealt, queues.Select(lanes.For));
    }
}
