using ImagePipeline.Core.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ImagePipeline.Core.Data;

internal sealed class FirstRunClaimConfiguration : IEntityTypeConfiguration<FirstRunClaim>
{
    public void Configure(EntityTypeBuilder<FirstRunClaim> builder)
    {
        builder.ToTable("FirstRunClaims", t => t.HasCheckConstraint("CK_FirstRunClaims_Singleton", $"\"Id\" = {FirstRunClaim.SingletonId}"));
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.UserName).HasMaxLength(256);
    }
}
