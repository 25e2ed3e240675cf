using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImagePipeline.Core.Data;

internal sealed class JobAttemptConfiguration : IEntityTypeConfiguration<JobAttempt>
{
    public void Configure(EntityTypeBuilder<JobAttempt> builder)
    {
        builder.ToTable("JobAttempts");
        builder.Property(a => a.RunnerId).HasMaxLength(256);
        builder.Property(a => a.Outcome).HasMaxLength(16);
        builder.HasIndex(a => new { a.JobId, a.Number });
    }
}
