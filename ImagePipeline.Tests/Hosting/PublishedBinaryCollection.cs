namespace ImagePipeline.Tests.Hosting;

/// <summary>Test classes that share the one published binary (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class PublishedBinaryCollection : ICollectionFixture<PublishedBinaryFixture>
{
    public const string Name = "Published binary";
}
