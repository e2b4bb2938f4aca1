namespace Booking.Core.Gate;

/// <summary>
/// The fast first check in front of the database: a lock per seat, owned by a booking. It only turns away requests
/// for seats that are already taken; the database stays the truth, so a gate that forgot everything costs speed,
/// never correctness.
/// </summary>
public interface ISeatGate
{
    /// <summary>
    /// Locks every seat for <paramref name="owner"/> for <paramref name="ttl"/>, or none of them. Seats already
    /// locked by the same owner count as free (a retried request passes again).
    /// </summary>
    /// <returns>The seats locked by someone else; empty when the lock was taken.</returns>
    Task<IReadOnlyList<string>> TryHoldAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner, TimeSpan ttl);

    /// <summary>Removes the locks of these seats that <paramref name="owner"/> still owns; others stay.</summary>
    Task ReleaseAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner);

    /// <summary>
    /// Makes the locks of sold seats permanent (no TTL) for <paramref name="owner"/>, taking over a missing or lapsed
    /// key, so the herd for sold seats keeps ending at the gate.
    /// </summary>
    Task MarkSoldAsync(Guid showtimeId, IReadOnlyList<string> seatIds, Guid owner);

    /// <summary>
    /// Writes locks as the database says they are (used to rebuild the gate), overwriting what is there.
    /// A null <see cref="GateLock.Ttl"/> means sold: the lock never lapses.
    /// </summary>
    Task RestoreAsync(IReadOnlyList<GateLock> locks);

    /// <summary>
    /// Whether the gate still has what the last rebuild wrote. A marker key set by <see cref="MarkRebuiltAsync"/>
    /// disappears with everything else when Redis restarts empty or is flushed, so its absence means: rebuild.
    /// </summary>
    Task<bool> IsRebuiltAsync();

    /// <summary>
    /// Starts a rebuild: leaves a token in the gate, which goes with everything else if Redis loses its data while
    /// the rebuild writes its locks. Pass it to <see cref="MarkRebuiltAsync"/>.
    /// </summary>
    Task<string> BeginRebuildAsync();

    /// <summary>
    /// Sets the marker that <see cref="IsRebuiltAsync"/> looks for, if the rebuild's token is still there. False
    /// means the gate lost data during the rebuild (some of its locks with it), so the marker stays unset and the
    /// rebuild must run again.
    /// </summary>
    Task<bool> MarkRebuiltAsync(string rebuild);
}
