namespace Booking.Testing;

/// <summary>
/// A running Booking system as the clients of its public API see it, whichever way it is hosted: the distributed
/// services (<see cref="BookingSystemFixture"/>) or the standalone process. The API contract tests
/// (<see cref="BookingApiContractTests"/>) run against every implementation.
/// </summary>
public interface IBookingSystem
{
    /// <summary>A client of the API that acts as <paramref name="subject"/> with <paramref name="roles"/>, by a development token.</summary>
    Task<BookingClient> ClientAsync(string subject, params string[] roles);

    /// <summary>A client of the API with no token.</summary>
    HttpClient CreateAnonymousClient();
}
