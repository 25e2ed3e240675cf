namespace ImagePipeline.Core.Jobs;

/// <summary>Wakes the job runner at once when work was enqueued, instead of waiting for the next tick.</summary>
public interface IRunnerWakeup
{
    void Wake();
}
