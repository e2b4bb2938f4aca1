using System.Security.Cryptography;
using System.Text;

namespace Booking.Worker.Partitions;

/// <summary>
/// Rendezvous (highest random weight) hashing: each partition goes to the live worker with the highest score of
/// (worker, partition). Every worker computes the same answer from the same list of live workers, with no
/// coordinator, and when a worker joins or leaves only its own share of partitions moves.
/// </summary>
public static class RendezvousAssignment
{
    public static IReadOnlySet<int> PartitionsOf(string workerId, IReadOnlyCollection<string> liveWorkers, int partitions)
    {
        var owned = new HashSet<int>();
        for (var partition = 0; partition < partitions; partition++)
        {
            var winner = liveWorkers.Append(workerId).Distinct()
                .MaxBy(worker => (Score(worker, partition), worker), Comparer<(ulong, string)>.Default);
            if (winner == workerId)
            {
                owned.Add(partition);
            }
        }

        return owned;
    }

    private static ulong Score(string workerId, int partition)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{workerId}/{partition}"), hash);
        return BitConverter.ToUInt64(hash);
    }
}
