using Microsoft.EntityFrameworkCore;

namespace Booking.Core.Data;

/// <summary>
/// The seat inventory: showtimes, one row per seat, and bookings. PostgreSQL is the truth in the distributed run;
/// SQLite serves the standalone run with the same model.
/// </summary>
/// <remarks>
/// PostgreSQL migrations live in <c>Data/Migrations</c>. Add one with
/// <c>dotnet ef migrations add NAME --project Booking.Core --output-dir Data/Migrations</c>
/// (the design-time factory below points the tool at PostgreSQL; no server is needed to add a migration).
/// SQLite databases are created from the model (see <see cref="DatabaseInitializer"/>).
/// </remarks>
public sealed class BookingDbContext(DbContextOptions<BookingDbContext> options) : DbContext(options)
{
    public DbSet<Showtime> Showtimes => Set<Showtime>();

    public DbSet<Seat> Seats => Set<Seat>();

    public DbSet<BookingRecord> Bookings => Set<BookingRecord>();

    public DbSet<CallbackDelivery> CallbackDeliveries => Set<CallbackDelivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BookingDbContext).Assembly);
}
