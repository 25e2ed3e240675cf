using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Jobs;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Data;

/// <summary>The application's database: images, the job queue, and accounts (Identity).</summary>
public class PipelineDbContext(DbContextOptions<PipelineDbContext> options) : IdentityDbContext<AppUser>(options), IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core data-protection keys, shared by every instance on PostgreSQL (README "Scaling out").</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Image> Images => Set<Image>();

    public DbSet<Job> Jobs => Set<Job>();

    public DbSet<JobAttempt> JobAttempts => Set<JobAttempt>();

    public DbSet<RunnerSetting> RunnerSettings => Set<RunnerSetting>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Albums.Album> Albums => Set<Albums.Album>();

    public DbSet<Albums.AlbumImage> AlbumImages => Set<Albums.AlbumImage>();

    public DbSet<Sharing.ShareLink> ShareLinks => Set<Sharing.ShareLink>();

    public DbSet<FirstRunClaim> FirstRunClaims => Set<FirstRunClaim>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        if (Database.IsSqlite())
        {
            // SQLite keeps no time zone; PostgreSQL's timestamptz is UTC already.
            configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        }

        configurationBuilder.Properties<ImageStatus>().HaveConversion<UpperCaseEnumConverter<ImageStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<JobStatus>().HaveConversion<UpperCaseEnumConverter<JobStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<JobType>().HaveConversion<UpperCaseEnumConverter<JobType>>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PipelineDbContext).Assembly);
    }
}
