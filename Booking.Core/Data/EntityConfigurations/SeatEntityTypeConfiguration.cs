using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Booking.Core.Data.EntityConfigurations;

internal sealed class SeatEntityTypeConfiguration : IEntityTypeConfiguration<Seat>
{
    public void Configure(EntityTypeBuilder<Seat> builder)
    {
        builder.ToTable("seats");
        // One row per (showtime, seat): the database itself refuses a second row for a seat.
        builder.HasKey(s => new { s.ShowtimeId, s.SeatId });
        builder.Property(s => s.SeatId).HasMaxLength(16);
        builder.Property(s => s.Row).HasMaxLength(8);
        builder.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.HasIndex(s => s.BookingId);
    }
}
