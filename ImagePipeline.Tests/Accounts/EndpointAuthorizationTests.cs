using System.Net;
using System.Text.RegularExpressions;
using ImagePipeline.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Accounts;

/// <summary>
/// Every endpoint the app maps, asked anonymously: 401 for the API, hubs and circuit (UiPaths), a redirect to sign-in for pages —
/// except the short open list. A new endpoint added without authorization fails here.
/// </summary>
public sealed partial class EndpointAuthorizationTests : IDisposable
{
    private static readonly string[] OpenPages = ["/account/login", "/account/denied", "/setup"];

    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Anonymous_callers_get_401_or_a_redirect_to_sign_in_everywhere_but_the_open_endpoints()
    {
        var anonymous = _app.CreateAnonymousClient();
        await _app.CreateUserAsync("someone"); // past first run: pages redirect to sign-in, not to setup
        var endpoints = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        Assert.True(endpoints.Count > 20, "the endpoint data source should list the app's endpoints");

        var checkedCount = 0;
        foreach (var endpoint in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var url = Concrete(pattern);
            foreach (var method in methods.Where(m => m is not "OPTIONS" and not "HEAD"))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("");
                }

                using var response = await anonymous.SendAsync(request);
                checkedCount++;
                var status = (int)response.StatusCode;
                var where = $"{method} {pattern} ({url}) answered {status}";
                if (IsShareLink(pattern))
                {
                    // Open to anyone with a link, and an unknown token is simply not found (a page's form post without
                    // an antiforgery token is refused first).
                    Assert.True(method == "GET" ? status == 404 : status is 400 or 404, where);
                }
                else if (IsOpen(pattern))
                {
                    Assert.True(status is not (401 or 403), where);
                }
                else if (ImagePipeline.Web.UiPaths.AnswersWithStatusCode(new PathString(url)))
                {
                    Assert.True(status == 401, where);
                }
                else
                {
                    Assert.True(status == 302 && response.Headers.Location!.OriginalString.Contains("/account/login", StringComparison.Ordinal), where + " " + response.Headers.Location);
                }
            }
        }

        Assert.True(checkedCount > 20);
    }

    [Fact]
    public async Task Health_answers_anonymous_callers_without_details()
    {
        var body = await _app.CreateAnonymousClient().GetStringAsync("/health");
        Assert.DoesNotContain("database", body, StringComparison.Ordinal);
        var detailed = await _app.CreateClient().GetStringAsync("/health");
        Assert.Contains("database", detailed, StringComparison.Ordinal);
    }

    /// <summary>The share-link page and its API: the only open places that show photos.</summary>
    private static bool IsShareLink(string pattern) =>
        pattern.StartsWith("/api/share/{token}", StringComparison.Ordinal) || pattern.TrimStart('/').Equals("s/{token}", StringComparison.OrdinalIgnoreCase);

    private static bool IsOpen(string pattern) =>
        pattern is "/health" or "/openapi/{documentName}.json" or "/account/signin" or "/setup/admin"
        || OpenPages.Contains(pattern)
        || StaticAsset().IsMatch(pattern);

    private static string Concrete(string pattern)
    {
        var url = RouteParameter().Replace(pattern, m => m.Groups[1].Value.ToLowerInvariant() switch
        {
            var p when p.Contains("guid", StringComparison.Ordinal) || p.Contains("id", StringComparison.OrdinalIgnoreCase) => Guid.NewGuid().ToString(),
            "documentname" => "v1",
            "token" => "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", // well-formed, unknown
            _ => "x",
        });
        return url.StartsWith('/') ? url : "/" + url;
    }

    [GeneratedRegex(@"\{\*{0,2}([^}]+)\}")]
    private static partial Regex RouteParameter();

    [GeneratedRegex(@"\.(css|js|json|ico|png|svg|woff2?|ttf|gz|br|map|txt|html|webmanifest)$|^/?_content/|^/?_framework/", RegexOptions.IgnoreCase)]
    private static partial Regex StaticAsset();
}
