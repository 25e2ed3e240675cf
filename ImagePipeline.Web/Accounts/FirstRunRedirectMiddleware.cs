using ImagePipeline.Core.Accounts;

namespace ImagePipeline.Web.Accounts;

/// <summary>With no user in the database, every page leads to the setup page. Once an admin exists this costs nothing.</summary>
public sealed class FirstRunRedirectMiddleware(RequestDelegate next, FirstRunState firstRun)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (HttpMethods.IsGet(context.Request.Method) && IsPage(path) && await firstRun.NeedsSetupAsync(context.RequestAborted))
        {
            context.Response.Redirect(AccountPaths.Setup);
            return;
        }

        await next(context);
    }

    private static bool IsPage(PathString path) => UiPaths.IsPage(path) && !path.StartsWithSegments(AccountPaths.Setup);
}
