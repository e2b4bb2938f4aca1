using System.Diagnostics;

namespace Booking.Core.Batching;

/// <summary>The spans of <see cref="GroupCommit{T}"/>'s batches, one source for every kind of request.</summary>
public static class GroupCommitSpans
{
    /// <summary>Recorded with the other "Booking.*" sources when tracing is on.</summary>
    public const string SourceName = "Booking.Batching";

    internal static readonly ActivitySource Source = new(SourceName);
}
