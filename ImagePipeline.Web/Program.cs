using ImagePipeline.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddImagePipelineWeb();

var app = builder.Build();
app.UseImagePipelineWeb();

await app.RunAsync();

/// <summary>The entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
