using ImagePipeline.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImagePipeline.Core.Data;

internal sealed class RunnerSettingConfiguration : IEntityTypeConfiguration<RunnerSetting>
{
    public void Configure(EntityTypeBuilder<RunnerSetting> builder)
    {
        builder.ToTable("RunnerSettings");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(64);
        builder.Property(s => s.Value).HasMaxLength(256);
    }
}
