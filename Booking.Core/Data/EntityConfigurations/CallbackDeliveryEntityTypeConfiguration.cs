using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Booking.Core.Data.EntityConfigurations;

internal sealed class CallbackDeliveryEntityTypeConfiguration : IEntityTypeConfiguration<CallbackDelivery>
{
    public void Configure(EntityTypeBuilder<CallbackDelivery> builder)
    {
        builder.ToTable("callback_deliveries");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Url).HasMaxLength(2048);
        builder.Property(d => d.Error).HasMaxLength(1000);
        builder.HasIndex(d => new { d.BookingId, d.BookingVersion });
    }
}
