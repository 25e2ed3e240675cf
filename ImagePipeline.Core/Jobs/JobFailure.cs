using ImagePipeline.Core.Processing;

namespace ImagePipeline.Core.Jobs;

/// <summary>How a job attempt failed: the short message for lists, the detail with stack for the admin view.</summary>
public sealed record JobFailure(string Message, string Detail, bool Retryable)
{
    /// <summary>How the message of a job that failed on an image that can never be decoded starts.</summary>
    public const string CorruptPrefix = nameof(CorruptImageException) + ":";

    public static JobFailure From(Exception exception, bool retryable)
    {
        var message = $"{exception.GetType().Name}: {exception.Message}";
        return new JobFailure(message.Length > 2000 ? message[..2000] : message, exception.ToString(), retryable);
    }
}
