namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Splits the command line into a verb (first argument without a dash), the verb's own options, and everything else,
/// which goes to the host's configuration unchanged (<c>--urls</c>, <c>--environment</c>, <c>--Pipeline:X:Y=v</c>, ...).
/// <c>--data-dir</c> becomes <c>Pipeline:DataDirectory</c>.
/// </summary>
public static class CommandLineParser
{
    private static readonly string[] Verbs =
        [HostCommand.Serve, HostCommand.Migrate, HostCommand.Backup, HostCommand.Restore, HostCommand.Backfill, HostCommand.CreateAdmin, HostCommand.Help, HostCommand.Version];

    /// <summary>Options that belong to a verb, not to the host.</summary>
    private static readonly string[] VerbOptions = ["email", "password", "batch-size"];

    public static HostCommand Parse(IReadOnlyList<string> args)
    {
        var verb = HostCommand.Serve;
        var arguments = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var hostArgs = new List<string>();
        var start = 0;
        if (args.Count > 0 && !args[0].StartsWith('-'))
        {
            verb = args[0].ToLowerInvariant();
            if (!Verbs.Contains(verb))
            {
                return Failed($"Unknown command '{args[0]}'. Run with --help for the list.");
            }

            start = 1;
        }

        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?" or "/?")
            {
                verb = HostCommand.Help;
                continue;
            }

            if (arg is "--version")
            {
                verb = HostCommand.Version;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (arg.StartsWith('-') || verb == HostCommand.Serve)
                {
                    return Failed($"Unexpected argument '{arg}'. Run with --help for usage.");
                }

                arguments.Add(arg);
                continue;
            }

            var (name, value, consumedNext) = SplitOption(args, i);
            if (name.Equals("data-dir", StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrWhiteSpace(value))
                {
                    return Failed("--data-dir needs a folder.");
                }

                hostArgs.Add($"--Pipeline:DataDirectory={value}");
            }
            else if (VerbOptions.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                if (value is null)
                {
                    return Failed($"--{name} needs a value.");
                }

                options[name] = value;
            }
            else
            {
                // The host's own command-line configuration provider takes "--key value" and "--key=value".
                hostArgs.Add(args[i]);
                if (consumedNext)
                {
                    hostArgs.Add(args[i + 1]);
                }
            }

            i += consumedNext ? 1 : 0;
        }

        return new HostCommand(verb, arguments, options, [.. hostArgs]);

        HostCommand Failed(string error) => new(HostCommand.Help, [], new Dictionary<string, string>(), [], error);
    }

    private static (string Name, string? Value, bool ConsumedNext) SplitOption(IReadOnlyList<string> args, int index)
    {
        var body = args[index][2..];
        var equals = body.IndexOf('=', StringComparison.Ordinal);
        if (equals >= 0)
        {
            return (body[..equals], body[(equals + 1)..], false);
        }

        return index + 1 < args.Count && !args[index + 1].StartsWith("--", StringComparison.Ordinal)
            ? (body, args[index + 1], true)
            : (body, null, false);
    }
}
