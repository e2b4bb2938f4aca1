using Booking.Core.Gate;

namespace Booking.Core.Tests.Gate;

public sealed class InProcessSeatGateTests : SeatGateContractTests
{
    protected override ISeatGate Gate { get; } = new InProcessSeatGate(TimeProvider.System);
}
