using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Booking.Core.Data.EntityConfigurations;

internal sealed class ShowtimeEntityTypeConfiguration : IEntityTypeConfiguration<Showtime>
{
    public void Configure(EntityTypeBuilder<Showtime> builder)
    {
        builder.ToTable("showtimes");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Movie).HasMaxLength(200);
        builder.Property(s => s.Auditorium).HasMaxLength(100);
        builder.Property(s => s.Version).IsConcurrencyToken();
        builder.HasMany(s => s.Seats).WithOne().HasForeignKey(s => s.ShowtimeId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(s => s.StartsAt);
    }
}
