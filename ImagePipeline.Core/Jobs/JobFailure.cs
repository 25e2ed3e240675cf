namespace ImagePipeline.Core.Jobs;

/// <summary>How a job attempt failed: the short message for lists, the detail with stack for the admin view.</summary>
public sealed record JobFailure(string Message, string Detail, bool Retryable)
{
    public static JobFailure From(Exception exception, bool retryable)
    {
        var message = $"{exception.GetType().Name}: {exception.Message}";
        return new JobFailure(message.Length > 2000 ? message[..2000] : message, exception.ToString(), retryable);
    }
}
