using Booking.Testing;

namespace Booking.Ingress.Tests.Apis;

/// <summary>The API contract shared with the standalone host, run against the distributed services.</summary>
[Collection(SystemCollection.Name)]
public sealed class DistributedApiContractTests(BookingSystemFixture system) : BookingApiContractTests(system);
