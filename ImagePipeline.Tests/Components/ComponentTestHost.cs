using System.Net.Http.Headers;
using System.Net.Http.Json;
using Bunit;
using ImagePipeline.Core.Events;
using ImagePipeline.Core.Jobs;
using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Api;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ImagePipeline.Tests.Components;

/// <summary>
/// bUnit over the real app: components resolve the app's own services (real SQLite file in a temp directory, real
/// broadcaster, real runner), MudBlazor is registered and its JS calls are answered loosely.
/// </summary>
public abstract class ComponentTestHost : BunitContext, IAsyncLifetime
{
    private bool _disposedAsync;

    protected ComponentTestHost(string userId = "test-admin", bool admin = true, Action<IServiceCollection, PipelineAppFactory>? services = null)
    {
        App = new PipelineAppFactory();
        Services.AddMudServices();
        services?.Invoke(Services, App); // before anything resolves a service (bUnit forbids registering after that)
        Services.AddFallbackServiceProvider(App.Services);
        JSInterop.Mode = JSRuntimeMode.Loose;
        var auth = AddAuthorization();
        auth.SetAuthorized(userId);
        auth.SetRoles(admin ? [Core.Accounts.Roles.Admin] : [Core.Accounts.Roles.User]);
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, userId));
        Http = App.CreateClient();

        // Admin actions check the user in the database (AdminGate), against this test's signed-in principal.
        Services.AddScoped(sp => new Web.Accounts.AdminGate(
            sp.GetRequiredService<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(), App.Services.GetRequiredService<IServiceScopeFactory>()));
        EnsureUserAsync(userId, admin).GetAwaiter().GetResult();
    }

    private async Task EnsureUserAsync(string userId, bool admin)
    {
        using var scope = App.Services.CreateScope();
        var roles = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.RoleManager<Microsoft.AspNetCore.Identity.IdentityRole>>();
        foreach (var name in new[] { Core.Accounts.Roles.Admin, Core.Accounts.Roles.User })
        {
            if (!await roles.RoleExistsAsync(name))
            {
                await roles.CreateAsync(new Microsoft.AspNetCore.Identity.IdentityRole(name));
            }
        }

        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Core.Accounts.AppUser>>();
        var user = new Core.Accounts.AppUser { Id = userId, UserName = userId };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, admin ? Core.Accounts.Roles.Admin : Core.Accounts.Roles.User)).Succeeded);
    }

    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = CreateJsonOptions();

    protected PipelineAppFactory App { get; }

    protected HttpClient Http { get; }

    protected PipelineEventBroadcaster Events => App.Services.GetRequiredService<PipelineEventBroadcaster>();

    protected JobAdmin JobAdmin => App.Services.GetRequiredService<JobAdmin>();

    /// <summary>Uploads through the real endpoint and answers what it said.</summary>
    protected async Task<UploadResult> UploadAsync(byte[] bytes, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var response = await Http.PostAsync("/api/upload", form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<UploadResult>(JsonOptions))!;
    }

    /// <summary>
    /// Finds an element and clicks it in one turn of the renderer: on a page that live events re-render, a re-render between a
    /// separate Find and Click swaps the element's handler out (bUnit's UnknownEventHandlerIdException).
    /// </summary>
    protected static Task ClickAsync<TComponent>(IRenderedComponent<TComponent> cut, Func<IRenderedComponent<TComponent>, AngleSharp.Dom.IElement> find)
        where TComponent : Microsoft.AspNetCore.Components.IComponent =>
        cut.InvokeAsync(() => find(cut).ClickAsync(new()));

    /// <summary>Stops the real runner from claiming work (persisted in the database, like the admin's button).</summary>
    protected Task PauseRunnerAsync() => JobAdmin.SetPausedAsync(true, CancellationToken.None);

    protected Task ResumeRunnerAsync() => JobAdmin.SetPausedAsync(false, CancellationToken.None);

    protected static byte[] Photo(string name = "exif-landscape_1.jpg") => File.ReadAllBytes(TestPaths.Image(name));

    private static System.Text.Json.JsonSerializerOptions CreateJsonOptions()
    {
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        PipelineJson.Configure(options);
        return options;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>MudBlazor has services that only dispose asynchronously, so xunit's async hook tears everything down.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        _disposedAsync = true;
        await DisposeAsync();
        Http.Dispose();
        await App.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposedAsync)
        {
            base.Dispose(disposing);
        }
    }
}
