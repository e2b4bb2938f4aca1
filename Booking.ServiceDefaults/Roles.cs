namespace Booking.ServiceDefaults;

/// <summary>Role names carried in tokens.</summary>
public static class Roles
{
    /// <summary>May manage showtimes and read any booking.</summary>
    public const string Admin = "admin";
}
