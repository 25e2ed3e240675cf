namespace ImagePipeline.Web.Hosting;

/// <summary>What the command line asks for: a verb, its arguments and options, and the arguments left for the host.</summary>
public sealed record HostCommand(string Verb, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Options, string[] HostArgs, string? Error = null)
{
    public const string Serve = "serve";
    public const string Help = "help";
    public const string Version = "version";
    public const string Migrate = "migrate";
    public const string Backup = "backup";
    public const string Restore = "restore";
    public const string Backfill = "backfill";
    public const string CreateAdmin = "create-admin";
    public const string MigrateToPostgres = "migrate-to-postgres";

    /// <summary>The generated help, for <see cref="Help"/>.</summary>
    public string? HelpText { get; init; }

    public string? Option(string name) => Options.TryGetValue(name, out var value) ? value : null;
}
