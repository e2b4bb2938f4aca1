using Booking.Testing;

namespace Booking.Standalone.Tests;

/// <summary>The API contract that the distributed services pass, run against the standalone host.</summary>
[Collection(StandaloneCollection.Name)]
public sealed class StandaloneApiContractTests(StandaloneFixture standalone) : BookingApiContractTests(standalone);
