using Booking.Testing;

namespace Booking.FaultTests;

/// <summary>
/// Fault tests start and break their own services (processes, a private Redis, an unreachable broker); they share
/// the servers and one database, and run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>
{
    public const string Name = "faults";
}

/// <summary>The servers and a fresh database, with no services started: each test starts what it breaks.</summary>
public sealed class FaultFixture : BookingSystemFixture
{
    protected override bool StartsServices => false;
}
