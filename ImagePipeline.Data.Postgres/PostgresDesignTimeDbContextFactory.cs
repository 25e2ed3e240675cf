using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ImagePipeline.Data.Postgres;

/// <summary>Lets <c>dotnet ef migrations add --project ImagePipeline.Data.Postgres</c> build the PostgreSQL model (no server needed).</summary>
internal sealed class PostgresDesignTimeDbContextFactory : IDesignTimeDbContextFactory<PipelineDbContext>
{
    public PipelineDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PipelineDbContext>()
            .UseNpgsql("Host=localhost;Database=imagepipeline_design", o => o.MigrationsAssembly(PipelineDatabase.PostgresMigrationsAssembly))
            .Options);
}
