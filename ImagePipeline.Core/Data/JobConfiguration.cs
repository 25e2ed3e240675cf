using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImagePipeline.Core.Data;

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("Jobs");
        builder.Property(j => j.LockedBy).HasMaxLength(256);
        builder.Property(j => j.LastError).HasMaxLength(2048);
        builder.Property(j => j.Attempts).HasDefaultValue(0);
        builder.Property(j => j.MaxAttempts).HasDefaultValue(Job.DefaultMaxAttempts);
        builder.Property(j => j.Version).IsConcurrencyToken().HasDefaultValue(0);
        builder.Property(j => j.RunAfter).HasDefaultValueSql("'0001-01-01 00:00:00'");
        builder.HasOne(j => j.Image).WithMany(i => i.Jobs).HasForeignKey(j => j.ImageId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(j => j.AttemptLog).WithOne().HasForeignKey(a => a.JobId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(j => j.Status);
        // The claim query: ready PENDING jobs oldest first, and expired PROCESSING leases.
        builder.HasIndex(j => new { j.Status, j.RunAfter });
        builder.HasIndex(j => new { j.Status, j.LockedAt });
        // One job per asset of an image: a back-fill resets it, never adds a second.
        builder.HasIndex(j => new { j.ImageId, j.Type }).IsUnique();
    }
}
