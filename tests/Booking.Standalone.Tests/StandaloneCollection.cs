namespace Booking.Standalone.Tests;

/// <summary>The tests that use the in-process standalone host share one, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class StandaloneCollection : ICollectionFixture<StandaloneFixture>
{
    public const string Name = "standalone";
}
