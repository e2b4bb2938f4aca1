using Booking.Core.Partitioning;

namespace Booking.Core.Tests.Partitioning;

public sealed class ShowtimePartitionsTests
{
    [Fact]
    public void Should_give_the_same_partition_when_asked_in_any_process()
    {
        // Pinned values: a change here would route a live showtime's commands to another queue.
        var showtime = Guid.Parse("0b1f7e2a-3c4d-4e5f-8a9b-0c1d2e3f4a5b");

        Assert.Equal(ShowtimePartitions.PartitionOf(showtime, 16), ShowtimePartitions.PartitionOf(showtime, 16));
        Assert.Equal("booking-partition-" + ShowtimePartitions.PartitionOf(showtime, 16), ShowtimePartitions.QueueFor(showtime, 16));
        Assert.Equal(PinnedPartition, ShowtimePartitions.PartitionOf(showtime, 16));
    }

    [Fact]
    public void Should_spread_showtimes_evenly_when_there_are_many()
    {
        var counts = new int[16];
        for (var i = 0; i < 16_000; i++)
        {
            counts[ShowtimePartitions.PartitionOf(Guid.NewGuid(), 16)]++;
        }

        Assert.All(counts, count => Assert.InRange(count, 800, 1200));
    }

    // FNV-1a of the id's little-endian bytes, mod 16, computed independently (Python: uuid.bytes_le).
    private const int PinnedPartition = 15;
}
