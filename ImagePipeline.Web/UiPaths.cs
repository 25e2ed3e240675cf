namespace ImagePipeline.Web;

/// <summary>
/// The one list of paths that are not UI pages: the API, the hubs, health, the OpenAPI document, the framework's and
/// packages' assets, the Blazor circuit, and any file. They skip the UI's rules (the first-run redirect to setup, the
/// not-found page). Of them, the ones machines call (API, hubs, circuit) answer 401/403 instead of a redirect to sign-in.
/// </summary>
public static class UiPaths
{
    /// <summary>Called by scripts, scrapers and JavaScript clients, never navigated to.</summary>
    public static readonly IReadOnlyList<string> MachinePrefixes = ["/api", "/hubs", "/_blazor", "/metrics"];

    /// <summary>Every prefix that is not a page: the machine ones, health, OpenAPI, the framework's and packages' assets.</summary>
    public static readonly IReadOnlyList<string> NotPagePrefixes = [.. MachinePrefixes, "/health", "/openapi", "/_framework", "/_content"];

    /// <summary>The public pages of share links (<c>/s/{token}</c>): open to anyone holding the link.</summary>
    public const string SharedAlbumPrefix = "/s";

    public static bool IsPage(PathString path) => !StartsWithAny(path, NotPagePrefixes) && !Path.HasExtension(path.Value);

    /// <summary>An unauthenticated or forbidden call answers a status code rather than a redirect to the sign-in page.</summary>
    public static bool AnswersWithStatusCode(PathString path) => StartsWithAny(path, MachinePrefixes);

    private static bool StartsWithAny(PathString path, IReadOnlyList<string> prefixes)
    {
        foreach (var prefix in prefixes)
        {
            if (path.StartsWithSegments(prefix))
            {
                return true;
            }
        }

        return false;
    }
}
