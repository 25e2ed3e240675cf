using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImagePipeline.Core.Data;

internal sealed class ImageConfiguration : IEntityTypeConfiguration<Image>
{
    public void Configure(EntityTypeBuilder<Image> builder)
    {
        builder.ToTable("Images");
        builder.Property(i => i.OriginalFileName).HasColumnName("FileName").HasMaxLength(1024);
        builder.Property(i => i.ContentType).HasMaxLength(64);
        builder.Property(i => i.Format).HasMaxLength(16);
        builder.Property(i => i.Sha256).HasMaxLength(64);
        builder.Property(i => i.CameraMake).HasMaxLength(256);
        builder.Property(i => i.CameraModel).HasMaxLength(256);
        builder.Property(i => i.SizeBytes).HasColumnName("Size");
        builder.Property(i => i.LegacyTempPath).HasColumnName("TempPath");
        builder.Property(i => i.Version).IsConcurrencyToken().HasDefaultValue(0);
        builder.Ignore(i => i.SourcePath);
        // The gallery and GET /api/images: newest first with the Id tie-break, for everyone, per owner, per owner and status.
        builder.HasIndex(i => new { i.Status, i.CreatedAt, i.Id });
        builder.HasIndex(i => new { i.CreatedAt, i.Id });
        builder.Property(i => i.OwnerId).HasMaxLength(450);
        // One stored copy of the same bytes per owner, even for two uploads at the same moment (the loser is answered as a duplicate).
        builder.HasIndex(i => new { i.OwnerId, i.Sha256 }).IsUnique();
        builder.Property(i => i.OwnerRetries).HasDefaultValue(0);
        builder.HasIndex(i => new { i.OwnerId, i.CreatedAt, i.Id });
        builder.HasIndex(i => new { i.OwnerId, i.Status, i.CreatedAt, i.Id });
        // The trash page and the purge job.
        builder.HasIndex(i => new { i.TrashedAt, i.OwnerId });
    }
}
