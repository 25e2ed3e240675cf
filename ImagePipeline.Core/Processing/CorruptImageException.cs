namespace ImagePipeline.Core.Processing;

/// <summary>The image data cannot be decoded; retrying will not help.</summary>
public sealed class CorruptImageException(string message, Exception? inner = null) : Exception(message, inner);
