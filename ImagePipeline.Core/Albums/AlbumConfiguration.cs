using ImagePipeline.Core.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImagePipeline.Core.Albums;

internal sealed class AlbumConfiguration : IEntityTypeConfiguration<Album>
{
    public void Configure(EntityTypeBuilder<Album> builder)
    {
        builder.ToTable("Albums");
        builder.Property(a => a.OwnerId).HasMaxLength(450);
        builder.Property(a => a.Name).HasMaxLength(AlbumService.MaxNameLength);
        builder.HasIndex(a => new { a.OwnerId, a.CreatedAt });
        builder.HasOne<Image>().WithMany().HasForeignKey(a => a.CoverImageId).OnDelete(DeleteBehavior.SetNull);
        builder.HasMany(a => a.Images).WithOne().HasForeignKey(i => i.AlbumId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AlbumImageConfiguration : IEntityTypeConfiguration<AlbumImage>
{
    public void Configure(EntityTypeBuilder<AlbumImage> builder)
    {
        builder.ToTable("AlbumImages");
        builder.HasKey(i => new { i.AlbumId, i.ImageId });
        builder.HasIndex(i => i.ImageId);
        builder.HasOne(i => i.Image).WithMany().HasForeignKey(i => i.ImageId).OnDelete(DeleteBehavior.Cascade);
    }
}
