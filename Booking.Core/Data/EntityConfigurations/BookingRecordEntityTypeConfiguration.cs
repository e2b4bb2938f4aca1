using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Booking.Core.Data.EntityConfigurations;

internal sealed class BookingRecordEntityTypeConfiguration : IEntityTypeConfiguration<BookingRecord>
{
    public void Configure(EntityTypeBuilder<BookingRecord> builder)
    {
        builder.ToTable("bookings");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.Id).ValueGeneratedNever();
        // As long as a token's subject may be (AuthenticationExtensions.MaxSubjectLength).
        builder.Property(b => b.CustomerId).HasMaxLength(200);
        builder.Property(b => b.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(b => b.Reason).HasMaxLength(64);
        builder.Property(b => b.CallbackUrl).HasMaxLength(BookingRecord.MaxCallbackUrlLength);
        builder.Property(b => b.Version).IsConcurrencyToken();
        builder.Property(b => b.IdempotencyKey).HasMaxLength(200);
        // No foreign key to showtimes: a request for a showtime that does not exist is still stored, as rejected.
        builder.HasIndex(b => new { b.Status, b.HoldExpiresAt });
        builder.HasIndex(b => b.ShowtimeId);
        builder.HasIndex(b => new { b.CustomerId, b.IdempotencyKey }).IsUnique().HasFilter("idempotency_key IS NOT NULL");
        // Small by design: only rows whose events have not gone out yet are in it.
        builder.HasIndex(b => b.UpdatedAt).HasDatabaseName("ix_bookings_unpublished").HasFilter("published_version < version");
    }
}
