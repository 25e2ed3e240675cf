using ImagePipeline.Web.Hosting;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The command line as the README documents it, parsed by System.CommandLine (the published binary's own run is in SingleBinaryTests).</summary>
public sealed class CommandLineParserTests
{
    [Fact]
    public void No_command_serves_and_hands_settings_to_the_host()
    {
        var command = CommandLineParser.Parse(["--urls", "http://0.0.0.0:8080", "--data-dir", "/var/lib/ip", "--Pipeline:Runner:Concurrency=2", "--Pipeline:Runner:Enabled", "false"]);
        Assert.Null(command.Error);
        Assert.Equal(HostCommand.Serve, command.Verb);
        Assert.Equal(["--Pipeline:DataDirectory=/var/lib/ip", "--urls=http://0.0.0.0:8080", "--Pipeline:Runner:Concurrency=2", "--Pipeline:Runner:Enabled", "false"], command.HostArgs);
    }

    [Fact]
    public void Commands_get_their_arguments_and_options()
    {
        var backup = CommandLineParser.Parse(["backup", "photos.tar", "--data-dir", "data"]);
        Assert.Equal((HostCommand.Backup, "photos.tar"), (backup.Verb, Assert.Single(backup.Arguments)));
        Assert.Equal(["--Pipeline:DataDirectory=data"], backup.HostArgs);

        var admin = CommandLineParser.Parse(["create-admin", "--email", "owner@example.org", "--password", "correct horse battery"]);
        Assert.Equal(HostCommand.CreateAdmin, admin.Verb);
        Assert.Equal("owner@example.org", admin.Option("email"));
        Assert.Equal("correct horse battery", admin.Option("password"));

        var backfill = CommandLineParser.Parse(["backfill", "--batch-size", "5"]);
        Assert.Equal((HostCommand.Backfill, "5"), (backfill.Verb, backfill.Option("batch-size")));
        Assert.Equal(HostCommand.Migrate, CommandLineParser.Parse(["migrate"]).Verb);

        var move = CommandLineParser.Parse(["migrate-to-postgres", "--data-dir", "data", "--to", "Host=db;Database=ip;Username=ip"]);
        Assert.Null(move.Error);
        Assert.Equal((HostCommand.MigrateToPostgres, "Host=db;Database=ip;Username=ip"), (move.Verb, move.Option("to")));
        Assert.Equal(["--Pipeline:DataDirectory=data"], move.HostArgs);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("help")]
    public void Help_lists_every_command_and_option(string arg)
    {
        var command = CommandLineParser.Parse([arg]);
        Assert.Null(command.Error);
        Assert.Equal(HostCommand.Help, command.Verb);
        foreach (var text in new[] { "migrate", "backup <file.tar>", "restore <file.tar>", "backfill", "create-admin", "migrate-to-postgres", "--to", "--data-dir", "--urls", "--version", "--batch-size", "--email", "IMAGEPIPELINE_ADMIN_PASSWORD" })
        {
            Assert.Contains(text, command.HelpText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_commands_help_describes_its_options()
    {
        var command = CommandLineParser.Parse(["create-admin", "--help"]);
        Assert.Equal(HostCommand.Help, command.Verb);
        Assert.Contains("--email", command.HelpText, StringComparison.Ordinal);
        Assert.Contains("e-mail address", command.HelpText, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_is_a_command_of_its_own() =>
        Assert.Equal(HostCommand.Version, CommandLineParser.Parse(["--version"]).Verb);

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("backup")]
    [InlineData("--data-dir")]
    [InlineData("backfill", "--batch-size", "many")]
    public void Mistakes_are_errors(params string[] args)
    {
        var command = CommandLineParser.Parse(args);
        Assert.False(string.IsNullOrEmpty(command.Error));
    }
}
