using ImagePipeline.Core.Accounts;
using ImagePipeline.Core.Data;
using Microsoft.AspNetCore.Identity;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// <c>create-admin --email X</c>: an administrator, without a browser. The password comes from the environment variable
/// <see cref="PasswordVariable"/> or the first line of standard input, never from the command line (which every user of
/// the machine can read in the process list).
/// </summary>
public static class AdminAccount
{
    public const string PasswordVariable = "IMAGEPIPELINE_ADMIN_PASSWORD";

    public const string UsageText =
        $"Usage: create-admin --email <address>, with the password on standard input (echo \"$PASSWORD\" | ImagePipeline.Web create-admin --email X) or in {PasswordVariable}.";

    public static Task<int> CreateAsync(IServiceProvider services, HostCommand command, TextWriter output, CancellationToken cancellationToken) =>
        CreateAsync(services, command, output, Console.In, Environment.GetEnvironmentVariable, cancellationToken);

    public static async Task<int> CreateAsync(
        IServiceProvider services, HostCommand command, TextWriter output, TextReader input, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (command.Option("password") is not null)
        {
            throw new InvalidOperationException(
                $"create-admin does not take --password: a command line is visible to every user of the machine. {UsageText}");
        }

        var email = command.Option("email");
        if (string.IsNullOrWhiteSpace(email))
        {
            throw new InvalidOperationException(UsageText);
        }

        var password = environment(PasswordVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : (await input.ReadLineAsync(cancellationToken))?.TrimEnd('\r', '\n');
        if (string.IsNullOrEmpty(password))
        {
            throw new InvalidOperationException($"No password: {UsageText}");
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
