namespace ImagePipeline.Core.Jobs;

/// <summary>The running drain's doorbell: a drain waiting on running jobs also wakes when a new firing arrives.</summary>
internal sealed class RunnerSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync() => Volatile.Read(ref _next).Task;

    public void Ring() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
