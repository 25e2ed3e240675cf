using System.Net;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ImagePipeline.Tests.Accounts;

/// <summary>One list of the paths that skip the UI's rules, used by the first-run redirect, the not-found page and the sign-in challenge.</summary>
public sealed class UiPathsTests : IDisposable
{
    private readonly PipelineAppFactory _app = new(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("/", true)]
    [InlineData("/upload", true)]
    [InlineData("/admin/users", true)]
    [InlineData("/api/images", false)]
    [InlineData("/hubs/progress", false)]
    [InlineData("/health", false)]
    [InlineData("/openapi/v1.json", false)]
    [InlineData("/_framework/blazor.web.js", false)]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", false)]
    [InlineData("/_blazor", false)]
    [InlineData("/app.css", false)]
    [InlineData("/apiary", true)]
    public void Pages_are_what_no_infrastructure_prefix_or_file_claims(string path, bool page) =>
        Assert.Equal(page, UiPaths.IsPage(new PathString(path)));

    [Theory]
    [InlineData("/api/images", true)]
    [InlineData("/hubs/progress", true)]
    [InlineData("/_blazor", true)]
    [InlineData("/metrics", true)]
    [InlineData("/health", false)]
    [InlineData("/upload", false)]
    public void Machine_paths_answer_status_codes(string path, bool statusCode) =>
        Assert.Equal(statusCode, UiPaths.AnswersWithStatusCode(new PathString(path)));

    [Fact]
    public async Task Before_setup_only_pages_lead_to_setup()
    {
        var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        anonymous.DefaultRequestHeaders.Remove("X-Api-Key");

        using var page = await anonymous.GetAsync("/upload");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/setup", page.Headers.Location?.OriginalString);

        foreach (var path in new[] { "/openapi/v1.json", "/health" })
        {
            using var open = await anonymous.GetAsync(path);
            Assert.True(open.StatusCode == HttpStatusCode.OK, $"{path}: {(int)open.StatusCode}");
        }

        using var api = await anonymous.GetAsync("/api/images");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task After_setup_pages_redirect_to_sign_in_and_the_api_answers_401()
    {
        await _app.CreateUserAsync("admin1", Core.Accounts.Roles.Admin);
        var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        anonymous.DefaultRequestHeaders.Remove("X-Api-Key");

        using var page = await anonymous.GetAsync("/upload");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location?.OriginalString, StringComparison.Ordinal);
        using var api = await anonymous.GetAsync("/api/images");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        using var missing = await anonymous.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
    }
}
