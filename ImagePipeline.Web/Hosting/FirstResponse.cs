namespace ImagePipeline.Web.Hosting;

/// <summary>
/// Completes once the app has answered its first request (usually a health probe's <c>/health</c>), so that the warm-ups which
/// start with the app (<see cref="KeyRingWarmup"/>, <see cref="JsonWarmup"/>) leave the CPU to it: started beside it on the
/// 2-core test machine they put ~40 ms on the single binary's start → first <c>/health</c> (docs/benchmarks.md,
/// "sixth stop"). With no request they start <see cref="Fallback"/> after the host has started.
/// </summary>
public sealed class FirstResponse
{
    public static readonly TimeSpan Fallback = TimeSpan.FromSeconds(1);

    private readonly TaskCompletionSource _answered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsAnswered => _answered.Task.IsCompleted;

    public void Answered() => _answered.TrySetResult();

    /// <summary>Runs <paramref name="work"/> on the thread pool once the host has started and then <see cref="WaitAsync"/> has returned.</summary>
    public void RunAfterStart(Action work, TimeProvider time, IHostApplicationLifetime lifetime) =>
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            await WaitAsync(time, lifetime.ApplicationStopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!lifetime.ApplicationStopping.IsCancellationRequested)
            {
                work();
            }
        }, CancellationToken.None));

    /// <summary>Returns once the first response has been sent, or after <see cref="Fallback"/>.</summary>
    public async Task WaitAsync(TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await _answered.Task.WaitAsync(Fallback, time, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }
}

public static class FirstResponseExtensions
{
    /// <summary>First in the pipeline: marks <see cref="FirstResponse"/> when the first request has been answered.</summary>
    public static IApplicationBuilder UseFirstResponseSignal(this IApplicationBuilder app)
    {
        var signal = app.ApplicationServices.GetRequiredService<FirstResponse>();
        // Once answered, every later request passes straight through (no state machine of its own).
        return app.Use((context, next) => signal.IsAnswered ? next(context) : AnswerAfterAsync(context, next));

        async Task AnswerAfterAsync(HttpContext context, RequestDelegate next)
        {
            await next(context);
            signal.Answered();
        }
    }
}
