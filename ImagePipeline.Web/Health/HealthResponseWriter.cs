using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImagePipeline.Web.Health;

/// <summary>Status only for anonymous callers; each check's result for a signed-in admin.</summary>
public static class HealthResponseWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var detailed = context.User.IsInRole(Core.Accounts.Roles.Admin);
        object body = detailed
            ? new { status = report.Status.ToString(), checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }) }
            : new { status = report.Status.ToString() };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }
}
