namespace ImagePipeline.Core.Jobs;

/// <summary>A durable runner setting shared by every instance (for now: whether processing is paused).</summary>
public sealed class RunnerSetting
{
    public const string PausedKey = "paused";

    public string Key { get; set; } = "";

    public string Value { get; set; } = "";
}
