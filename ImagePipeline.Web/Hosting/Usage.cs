using System.Reflection;

namespace ImagePipeline.Web.Hosting;

/// <summary>The text of <c>--help</c> and <c>--version</c>.</summary>
public static class Usage
{
    public static string Version =>
        typeof(Usage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Usage).Assembly.GetName().Version?.ToString() ?? "unknown";

    public const string Text = """
        ImagePipeline — self-hosted photo upload and processing.

        Usage:
          ImagePipeline.Web [options]                          run the web app (default)
          ImagePipeline.Web migrate [options]                  apply database migrations and exit
          ImagePipeline.Web backup <file.tar> [options]        consistent online backup: database + asset files + manifest.json
          ImagePipeline.Web restore <file.tar> [options]       unpack a backup into an empty data directory
          ImagePipeline.Web backfill [--batch-size N]          enqueue jobs for images missing a thumbnail or preview
          ImagePipeline.Web create-admin --email X             create (or promote) an administrator account; the password
                                                               from standard input or IMAGEPIPELINE_ADMIN_PASSWORD

        Options:
          --urls <urls>          where to listen (default http://localhost:5000), e.g. http://0.0.0.0:8080
          --data-dir <folder>    database and images (default ./data; same as Pipeline:DataDirectory)
          --environment <name>   Production (default), Development, ...
          --Pipeline:<Key>=<v>   any setting, e.g. --Pipeline:Runner:Concurrency=2
          --help, --version

        Settings are read from the built-in defaults, then appsettings.json beside the executable, then environment
        variables (Pipeline__Runner__Concurrency=2, ASPNETCORE_URLS=...), then the command line.
        """;
}
