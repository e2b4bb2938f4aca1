namespace Booking.BrowserTests;

/// <summary>The browser tests share one browser and one standalone process, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
