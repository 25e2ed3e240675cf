using System.Text;
using System.Text.Json;
using ImagePipeline.Core.Images;
using ImagePipeline.Core.Processing;
using ImagePipeline.Web.Api;

namespace ImagePipeline.Web.Hosting;

/// <summary>
/// The start-up rehearsal's photo goes in through the real <c>POST /api/upload</c>: its endpoint's request delegate (parameter
/// binding, <see cref="UploadApi"/>, the multipart reading, the 201 answer written as JSON) behind a rate limiter built from the
/// app's own policies, in process, with no socket. The first real upload otherwise compiled all of it (a JIT listing of photo 1
/// after the warm-up: the rate limiter, the multipart reader and the request delegate's async machinery were most of what was
/// left). The request's services are the app's, except its <see cref="ImageIntake"/>: the rehearsal's, on the throw-away data
/// directory, so nothing reaches the real database, storage, events or metrics. The limiter is this pipeline's own instance:
/// it takes no permit from real uploads.
/// </summary>
internal sealed class UploadEndpointRehearsal(EndpointDataSource endpoints, IServiceProvider services, IServiceScopeFactory scopes) : IRehearsalFrontDoor
{
    private int _throughEndpoint;

    /// <summary>How many rehearsal uploads went through the endpoint (for tests).</summary>
    internal int ThroughEndpoint => Volatile.Read(ref _throughEndpoint);

    public async Task<Guid> UploadAsync(ImageIntake intake, byte[] photo, string fileName, CancellationToken cancellationToken)
    {
        var endpoint = endpoints.Endpoints.FirstOrDefault(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == UploadApi.EndpointName);
        if (endpoint is null)
        {
            // An instance that takes no uploads (a worker) maps no endpoint: its rehearsal is the intake's alone.
            return await new DirectFrontDoor().UploadAsync(intake, photo, fileName, cancellationToken);
        }

        var pipeline = Build(endpoint);

        await using var scope = scopes.CreateAsyncScope();
        var boundary = "warm-up-" + Guid.NewGuid().ToString("N");
        var body = MultipartBody(boundary, photo, fileName);
        var context = new DefaultHttpContext { RequestServices = new WithIntake(scope.ServiceProvider, intake) };
        context.Request.Method = HttpMethods.Post;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("localhost");
        context.Request.Path = "/api/upload";
        context.Request.ContentType = $"multipart/form-data; boundary={boundary}";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body, writable: false);
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        context.RequestAborted = cancellationToken;
        context.SetEndpoint(endpoint);

        await pipeline(context);
        cancellationToken.ThrowIfCancellationRequested();
        if (context.Response.StatusCode != StatusCodes.Status201Created)
        {
            throw new InvalidOperationException($"The rehearsal upload through the endpoint answered {context.Response.StatusCode}: {Encoding.UTF8.GetString(answer.ToArray())}");
        }

        Interlocked.Increment(ref _throughEndpoint);
        using var json = JsonDocument.Parse(answer.ToArray());
        return json.RootElement.GetProperty("imageId").GetGuid();
    }

    private RequestDelegate Build(Endpoint endpoint)
    {
        var app = new ApplicationBuilder(services);
        app.UseRateLimiter();
        app.Run(endpoint.RequestDelegate ?? throw new InvalidOperationException("The upload endpoint has no request delegate."));
        return app.Build();
    }

    internal static byte[] MultipartBody(string boundary, byte[] content, string fileName)
    {
        using var body = new MemoryStream(content.Length + 512);
        var head = Encoding.ASCII.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"{UploadApi.FieldName}\"; filename=\"{fileName}\"\r\nContent-Type: image/jpeg\r\n\r\n");
        body.Write(head);
        body.Write(content);
        body.Write(Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        return body.ToArray();
    }

    /// <summary>The request scope's services, with the rehearsal's intake in place of the app's.</summary>
    private sealed class WithIntake(IServiceProvider inner, ImageIntake intake) : IServiceProvider
    {
        public object? GetService(Type serviceType) => serviceType == typeof(ImageIntake) ? intake : inner.GetService(serviceType);
    }
}
