namespace ImagePipeline.Core.Configuration;

/// <summary>Which database engine holds the data and the job queue (<c>Pipeline:Database:Provider</c>).</summary>
public enum DatabaseProvider
{
    /// <summary>The embedded SQLite file <c>pipeline.db</c> in the data directory (default, single instance).</summary>
    Sqlite,

    /// <summary>PostgreSQL at <c>ConnectionStrings:Pipeline</c>: several instances share it (README "Scaling out").</summary>
    Postgres,
}

/// <summary>What this instance does (<c>Pipeline:Role</c>).</summary>
public enum PipelineRole
{
    /// <summary>UI, API, hub and the job runner (default).</summary>
    All,

    /// <summary>UI, API and hub; no job runner.</summary>
    Web,

    /// <summary>The job runner only; HTTP answers <c>/health</c> and nothing else.</summary>
    Worker,
}

/// <summary>The <c>Pipeline:Database</c> section.</summary>
public sealed class DatabaseOptions
{
    [System.ComponentModel.DataAnnotations.EnumDataType(typeof(DatabaseProvider), ErrorMessage = "Pipeline:Database:Provider must be Sqlite or Postgres.")]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public static class PipelineRoles
{
    /// <summary>The role from configuration (the Quartz registration needs it before options exist).</summary>
    public static PipelineRole FromConfiguration(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Enum.TryParse<PipelineRole>(configuration[$"{PipelineOptions.SectionName}:Role"], ignoreCase: true, out var role) ? role : PipelineRole.All;

    /// <summary>Only <see cref="PipelineRole.Web"/> runs no jobs.</summary>
    public static bool RunsJobs(this PipelineRole role) => role != PipelineRole.Web;

    /// <summary>Only <see cref="PipelineRole.Worker"/> serves no UI, API or hub.</summary>
    public static bool ServesWeb(this PipelineRole role) => role != PipelineRole.Worker;
}
