using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Booking.Core.Data;

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model without starting a service.</summary>
internal sealed class BookingDbContextDesignTimeFactory : IDesignTimeDbContextFactory<BookingDbContext>
{
    public BookingDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<BookingDbContext>().UseBookingPostgres("Host=127.0.0.1;Database=booking").Options);
}
