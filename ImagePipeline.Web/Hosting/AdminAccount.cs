using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Data;
using Microsoft.AspNetCore.Identity;

namespace ImagePipeline.Web.Hosting;

/// <summary><c>create-admin --email X --password Y</c>: the first administrator, without a browser.</summary>
public static class AdminAccount
{
    public static async Task<int> CreateAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken)
    {
        var email = command.Option("email");
        var password = command.Option("password");
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException("Usage: create-admin --email <address> --password <password>");
        }

        await services.GetRequiredService<DatabaseInitializer>().MigrateAsync(cancellationToken);
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByNameAsync(email.Trim());
        if (user is null)
        {
            // The same path as the setup page: roles, lockout, creation time.
            Check(await scope.ServiceProvider.GetRequiredService<AccountService>().CreateAsync(email, password, Roles.Admin), "create the user");
            user = await users.FindByNameAsync(email.Trim()) ?? throw new InvalidOperationException("The new user was not found.");
            await output.WriteLineAsync($"Created {email}.");
        }
        else
        {
            await output.WriteLineAsync($"{email} exists already.");
        }

        if (!await users.IsInRoleAsync(user, Roles.Admin))
        {
            Check(await users.AddToRoleAsync(user, Roles.Admin), "add the user to the Admin role");
        }

        await output.WriteLineAsync($"{email} is an administrator.");
        return 0;
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Could not {what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
        }
    }
}
