using Bunit;
using ImagePipeline.Core.Accounts;
using ImagePipeline.Web.Components.Settings;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Components;

/// <summary>The admin's user list reads through Core's <see cref="UserQueries"/> and changes users through the component's own <see cref="AccountService"/>.</summary>
public sealed class UsersPageTests : ComponentTestHost
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public UsersPageTests()
    {
        // bUnit's fallback provider answers singletons only: give the component's own scope the app's scoped AccountService.
        Services.AddScoped(_ =>
        {
            var scope = App.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<AccountService>();
        });
    }

    [Fact]
    public async Task Lists_users_with_roles_and_status_and_enables_a_disabled_user()
    {
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
            Assert.True((await accounts.CreateAsync("alice@example.org", "correct horse battery", Roles.Admin)).Succeeded);
            Assert.True((await accounts.CreateAsync("bob@example.org", "correct horse battery", Roles.User)).Succeeded);
            var bob = (await App.Services.GetRequiredService<UserQueries>().ListAsync(CancellationToken.None)).Single(u => u.Name == "bob@example.org");
            Assert.True((await accounts.SetDisabledAsync(bob.Id, disabled: true)).Succeeded);
        }

        var cut = Render<Users>();
        // The two users made here, besides the signed-in admin the test host creates.
        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("tbody tr").Count(r => r.TextContent.Contains("@example.org", StringComparison.Ordinal))), Patience);
        var alice = Row(cut, "alice@example.org");
        Assert.Equal([Roles.Admin, "active"], [alice[1], alice[2]]);
        var bobRow = Row(cut, "bob@example.org");
        Assert.Equal([Roles.User, "disabled"], [bobRow[1], bobRow[2]]);

        await cut.FindAll("tbody tr").Single(r => r.TextContent.Contains("bob@example.org", StringComparison.Ordinal))
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Enable").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal("active", Row(cut, "bob@example.org")[2]), Patience);
        Assert.Contains("Enabled bob@example.org.", cut.Markup, StringComparison.Ordinal);
        var stored = (await App.Services.GetRequiredService<UserQueries>().ListAsync(CancellationToken.None)).Single(u => u.Name == "bob@example.org");
        Assert.False(stored.Disabled);
    }

    private static string[] Row(IRenderedComponent<Users> cut, string name) =>
        [.. cut.FindAll("tbody tr").Single(r => r.QuerySelector("td")!.TextContent == name).QuerySelectorAll("td").Select(td => td.TextContent.Trim())];
}
