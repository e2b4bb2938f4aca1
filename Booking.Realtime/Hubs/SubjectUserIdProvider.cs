using Microsoft.AspNetCore.SignalR;

namespace Booking.Realtime.Hubs;

/// <summary>
/// Makes the token's <c>sub</c> (the customer id) SignalR's user id, so <c>Clients.User(customerId)</c> reaches every
/// connection of that customer, on any instance.
/// </summary>
internal sealed class SubjectUserIdProvider : IUserIdProvider
{
    // The default provider reads ClaimTypes.NameIdentifier, which never exists here: inbound claims are not mapped.
    public string? GetUserId(HubConnectionContext connection) => connection.User.FindFirst("sub")?.Value;
}
