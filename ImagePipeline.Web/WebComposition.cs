using ImagePipeline.Core;
using ImagePipeline.Web.Accounts;
using ImagePipeline.Web.Api;
using ImagePipeline.Web.Components;
using ImagePipeline.Web.Diagnostics;
using ImagePipeline.Web.Health;
using ImagePipeline.Web.Hosting;
using ImagePipeline.Web.Hubs;
using ImagePipeline.Web.ScaleOut;
using MudBlazor.Services;

namespace ImagePipeline.Web;

/// <summary>The composition root: services and the request pipeline, kept out of Program.cs.</summary>
public static class WebComposition
{
    public static WebApplicationBuilder AddImagePipelineWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddImagePipeline(builder.Configuration);
        StartupTimeline.Mark("services: Core (EF Core, storage, runner, Quartz)");
        services.AddPipelineSecurity(builder.Configuration);
        StartupTimeline.Mark("services: security (Identity, Data Protection)");
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => PipelineJson.Configure(o.SerializerOptions));
        services.AddOpenApi();
        services.AddSignalR().AddJsonProtocol(o => PipelineJson.Configure(o.PayloadSerializerOptions));
        services.AddHostedService<HubEventForwarder>();
        services.AddSingleton<FirstResponse>();
        services.AddHostedService<Hosting.JsonWarmup>();
        services.AddHostedService<RunnerFirstDrain>();
        services.AddSingleton<Core.Processing.IRehearsalFrontDoor, Hosting.UploadEndpointRehearsal>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<DataDirectoryHealthCheck>("data-directory");
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        StartupTimeline.Mark("services: OpenAPI, SignalR, health checks, Razor components, MudBlazor");
        services.AddPipelineMetricsExporter();
        StartupTimeline.Mark("services: OpenTelemetry metrics");
        services.AddSingleton<ImageReads>();
        services.AddScoped<ImageDownloads>();
        builder.AddPipelineScaleOut(); // PostgreSQL keys, Redis backplane and relays (README "Scaling out"); keep last
        KeyRingWarmup.Replace(services); // after every AddDataProtection()
        services.AddHostedService<BundleExtractionJanitor>();
        EndpointPrebuild.Register(services);
        return builder;
    }

    public static WebApplication UseImagePipelineWeb(this WebApplication app)
    {
        app.UseFirstResponseSignal();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        // Pipeline:Role=Worker: the runner only, and /health on HTTP, open like the Web instances' (status only for anonymous
        // callers): load balancers and orchestrators probe it without credentials.
        if (app.MapWorkerOnly(worker => worker.MapHealthChecks("/health", new() { ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous()))
        {
            return app;
        }

        // Pages get the app's not-found page; the API keeps its problem-details bodies.
        app.UseWhen(
            // (Shared-album pages answer their own plain 404: the app's not-found page needs a sign-in.)
            context => UiPaths.IsPage(context.Request.Path) && !context.Request.Path.StartsWithSegments(UiPaths.SharedAlbumPrefix),
            page => page.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseStatusCodePages();
        app.UsePipelineSecurity();
        app.UseAntiforgery();

        // Open: health (status only for anonymous callers), the OpenAPI document, static assets, sign-in and setup.
        app.MapOpenApi().AllowAnonymous();
        app.MapHealthChecks("/health", new() { ResponseWriter = HealthResponseWriter.WriteAsync }).AllowAnonymous();
        StartupTimeline.Mark("pipeline: middleware, OpenAPI and /health mapped");
        app.MapPipelineStaticAssets().AllowAnonymous();
        StartupTimeline.Mark("pipeline: static assets mapped");
        app.MapAccountEndpoints();

        // Everything else requires a signed-in user or an API key (fallback policy); /api/admin requires Admin.
        var api = app.MapGroup("/api").WithTags("Images");
        api.MapUploadApi();
        api.MapImagesApi();
        api.MapAlbumsApi();
        // Open to anyone holding a share link's token: that album's photos and nothing else.
        api.MapPublicShareApi();
        app.MapSharePage();
        api.MapGroup("/admin").RequireAuthorization(SecurityComposition.AdminPolicy).MapAdminJobsApi();
        app.MapHub<ProgressHub>(ProgressHub.Path).RequireAuthorization();
        app.MapPipelineMetrics(); // /metrics, Admin only

        StartupTimeline.Mark("pipeline: API, hub, metrics mapped");
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
