using ImagePipeline.Core.Diagnostics;
using ImagePipeline.Web.Accounts;
using OpenTelemetry.Metrics;

namespace ImagePipeline.Web.Diagnostics;

/// <summary>
/// The <c>ImagePipeline</c> meter (<see cref="PipelineMetrics"/>) in Prometheus' text format at <see cref="Path"/>,
/// through OpenTelemetry's Prometheus exporter, for administrators only (a scraper sends an admin's API key).
/// </summary>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    public static IServiceCollection AddPipelineMetricsExporter(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(PipelineMetrics.MeterName).AddPrometheusExporter());
        return services;
    }

    public static IEndpointConventionBuilder MapPipelineMetrics(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(SecurityComposition.AdminPolicy);
}
