using System.CommandLine;
using System.CommandLine.Help;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// The command line, declared with System.CommandLine: a verb (none means serve), the verb's own arguments and options,
/// and everything else, which goes to the host's configuration unchanged (<c>--urls</c>, <c>--environment</c>,
/// <c>--Pipeline:X:Y=v</c>, ...). <c>--data-dir</c> becomes <c>Pipeline:DataDirectory</c>. Help is generated from the declaration.
/// </summary>
public static class CommandLineParser
{
    public static HostCommand Parse(IReadOnlyList<string> args)
    {
        var cli = new Cli();
        var result = cli.Root.Parse([.. args]);
        if (result.Action is HelpAction || result.CommandResult.Command.Name == HostCommand.Help)
        {
            var help = result.Action is HelpAction ? result : cli.Root.Parse(["--help"]);
            return new HostCommand(HostCommand.Help, [], new Dictionary<string, string>(), []) { HelpText = Cli.Help(help) };
        }

        if (result.GetValue(cli.Version) || result.CommandResult.Command.Name == HostCommand.Version)
        {
            return new HostCommand(HostCommand.Version, [], new Dictionary<string, string>(), []);
        }

        if (result.Errors.Count > 0)
        {
            return Failed(string.Join(Environment.NewLine, result.Errors.Select(e => e.Message)) + Environment.NewLine + "Run with --help for usage.");
        }

        var hostArgs = new List<string>();
        if (result.GetValue(cli.DataDirectory) is { } dataDirectory)
        {
            if (string.IsNullOrWhiteSpace(dataDirectory))
            {
                return Failed("--data-dir needs a folder.");
            }

            hostArgs.Add($"--Pipeline:DataDirectory={dataDirectory}");
        }

        foreach (var hostOption in new[] { cli.Urls, cli.Environment })
        {
            if (result.GetValue(hostOption) is { } value)
            {
                hostArgs.Add($"{hostOption.Name}={value}");
            }
        }

        // Any other --key value or --key=value is configuration for the host; a bare word is not.
        var unmatched = result.UnmatchedTokens;
        for (var i = 0; i < unmatched.Count; i++)
        {
            var token = unmatched[i];
            if (!token.StartsWith("--", StringComparison.Ordinal))
            {
                return Failed($"Unexpected argument '{token}'. Run with --help for usage.");
            }

            hostArgs.Add(token);
            if (!token.Contains('=', StringComparison.Ordinal) && i + 1 < unmatched.Count && !unmatched[i + 1].StartsWith('-'))
            {
                hostArgs.Add(unmatched[++i]);
            }
        }

        var command = result.CommandResult.Command;
        var verb = command is RootCommand ? HostCommand.Serve : command.Name;
        var arguments = command.Arguments.OfType<Argument<string>>().Select(a => result.GetValue(a)).OfType<string>().ToList();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in command.Options.OfType<Option<string>>())
        {
            if (result.GetValue(option) is { } value)
            {
                options[option.Name.TrimStart('-')] = value;
            }
        }

        if (result.GetValue(cli.BatchSize) is { } batchSize)
        {
            options["batch-size"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return new HostCommand(verb, arguments, options, [.. hostArgs]);

        static HostCommand Failed(string error) => new(HostCommand.Help, [], new Dictionary<string, string>(), [], error);
    }

    /// <summary>The declaration: commands, arguments, options and their descriptions (the help text).</summary>
    private sealed class Cli
    {
        public Cli()
        {
            Root = new RootCommand("ImagePipeline: self-hosted photo upload and processing. Without a command it runs the web app.")
            {
                TreatUnmatchedTokensAsErrors = false,
            };
            // Our own --version: the product name and the informational version.
            foreach (var builtIn in Root.Options.OfType<VersionOption>().ToList())
            {
                Root.Options.Remove(builtIn);
            }

            Root.Options.Add(Version);
            Root.Options.Add(DataDirectory);
            Root.Options.Add(Urls);
            Root.Options.Add(Environment);

            var migrate = new Command(HostCommand.Migrate, "apply pending database migrations (with a pre-migration backup) and exit");
            var backup = new Command(HostCommand.Backup, "online backup, safe while the app runs: database + asset files + manifest.json");
            backup.Arguments.Add(new Argument<string>("file.tar") { Description = "the tar file to write" });
            var restore = new Command(HostCommand.Restore, "unpack a backup into an empty --data-dir");
            restore.Arguments.Add(new Argument<string>("file.tar") { Description = "the backup to unpack" });
            var backfill = new Command(HostCommand.Backfill, "[--batch-size N]  enqueue missing thumbnails/previews, print the counts");
            backfill.Options.Add(BatchSize);
            var createAdmin = new Command(HostCommand.CreateAdmin, "--email X  create (or promote) an administrator account; the password from standard input or IMAGEPIPELINE_ADMIN_PASSWORD");
            createAdmin.Options.Add(new Option<string>("--email") { Description = "the administrator's e-mail address (user name)" });
            createAdmin.Options.Add(new Option<string>("--password") { Description = "refused: a command line is visible to every user; give the password on standard input or in IMAGEPIPELINE_ADMIN_PASSWORD" });
            var toPostgres = new Command(HostCommand.MigrateToPostgres,
                "--to \"Host=...;Database=...;Username=...\"  copy the SQLite database of --data-dir into a new, empty PostgreSQL database (stop the app first; the files stay in --data-dir)");
            toPostgres.Options.Add(new Option<string>("--to") { Description = "the PostgreSQL connection string (default ConnectionStrings:Pipeline, environment ConnectionStrings__Pipeline)" });
            // The commands run in PipelineHost once the host is built; here they only need to parse.
            Root.SetAction(_ => 0);
            foreach (var command in new[] { migrate, backup, restore, backfill, createAdmin, toPostgres })
            {
                command.TreatUnmatchedTokensAsErrors = false;
                command.SetAction(_ => 0);
                Root.Subcommands.Add(command);
            }

            Root.Subcommands.Add(new Command(HostCommand.Help, "show this help") { Hidden = true });
            Root.Subcommands.Add(new Command(HostCommand.Version, "show the version") { Hidden = true });
        }

        public RootCommand Root { get; }

        public Option<bool> Version { get; } = new("--version") { Description = "show the version" };

        public Option<string> DataDirectory { get; } = new("--data-dir")
        {
            Description = "database and images (default ./data; same as Pipeline:DataDirectory)",
            Recursive = true,
        };

        public Option<string> Urls { get; } = new("--urls")
        {
            Description = "where to listen (default http://localhost:5000), e.g. http://0.0.0.0:8080; any other --Pipeline:<Key>=<value> is a setting",
            Recursive = true,
        };

        public Option<string> Environment { get; } = new("--environment") { Description = "Production (default), Development, ...", Recursive = true };

        public Option<int?> BatchSize { get; } = new("--batch-size") { Description = "images per batch (1-10000, default 100)" };

        public static string Help(ParseResult help)
        {
            using var output = new StringWriter();
            help.Invoke(new InvocationConfiguration { Output = output });
            return output.ToString().TrimEnd() + System.Environment.NewLine + System.Environment.NewLine + Usage.Settings;
        }
    }
}
