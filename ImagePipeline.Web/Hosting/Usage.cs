using System.Reflection;

namespace ImagePipeline.Web.Hosting;

/// <summary>The version, and the part of <c>--help</c> that is not about one option.</summary>
public static class Usage
{
    public static string Version =>
        typeof(Usage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Usage).Assembly.GetName().Version?.ToString() ?? "unknown";

    public const string Settings = """
        Settings are read from the built-in defaults, then appsettings.json beside the executable, then environment
        variables (Pipeline__Runner__Concurrency=2, ASPNETCORE_URLS=...), then the command line (--Pipeline:<Key>=<value>).
        """;
}
