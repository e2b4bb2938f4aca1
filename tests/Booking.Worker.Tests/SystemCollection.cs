using Booking.Testing;

namespace Booking.Worker.Tests;

/// <summary>The tests of this assembly that use the running system share one, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<BookingSystemFixture>
{
    public const string Name = "system";
}
