using ImagePipeline.Web.Hosting;

return await PipelineHost.RunAsync(args);

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
