namespace ImagePipeline.Core.Jobs;

/// <summary>An in-process doorbell: a drain that is waiting on running jobs also wakes when new work arrives.</summary>
public sealed class RunnerSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync() => Volatile.Read(ref _next).Task;

    public void Ring() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
