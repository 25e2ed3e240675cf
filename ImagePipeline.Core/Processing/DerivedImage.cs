namespace ImagePipeline.Core.Processing;

/// <summary>The size of a derived asset as written.</summary>
public sealed record DerivedImage(int Width, int Height);
