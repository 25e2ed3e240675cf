using ImagePipeline.Core.Processing;

namespace ImagePipeline.Web.Api;

/// <summary>
/// What a non-admin sees of a job's error: a short reason, never exception text or a server path. The stored
/// <c>LastError</c> (<c>Type: message</c>) and its stack stay for admins.
/// </summary>
public static class FailureReason
{
    public const string Generic = "Processing failed; an administrator can see the details.";

    private static readonly string CorruptPrefix = nameof(CorruptImageException) + ": ";

    public static string? ForOwner(string? lastError)
    {
        if (string.IsNullOrEmpty(lastError))
        {
            return null;
        }

        // The app's own "cannot be decoded / too large" reasons are meant for the owner; anything after a colon is library text.
        if (lastError.StartsWith(CorruptPrefix, StringComparison.Ordinal))
        {
            var reason = lastError[CorruptPrefix.Length..];
            var colon = reason.IndexOf(':', StringComparison.Ordinal);
            reason = (colon >= 0 ? reason[..colon] : reason).Trim().TrimEnd('.');
            return reason.Length is > 0 and <= 200 && !reason.Contains('/', StringComparison.Ordinal) ? reason + "." : "The image cannot be decoded.";
        }

        return Generic;
    }
}
