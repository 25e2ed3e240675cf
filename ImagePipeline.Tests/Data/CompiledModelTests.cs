using ImagePipeline.Core;
using ImagePipeline.Core.Data;
using ImagePipeline.Core.Data.CompiledModel;
using ImagePipeline.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace ImagePipeline.Tests.Data;

/// <summary>
/// The SQLite compiled model (Data/CompiledModel) is what the app runs on instead of building the model at start-up: it
/// must match the model the code builds, and only SQLite may use it. After a model change: <c>scripts/add-migration.sh</c>
/// (or <c>scripts/add-migration.sh --compiled-model</c>) regenerates it.
/// </summary>
[Trait("Provider", "Sqlite")]
public sealed class CompiledModelTests
{
    [Fact]
    public void The_app_runs_sqlite_on_the_compiled_model_and_it_matches_the_model_the_code_builds()
    {
        using var app = new PipelineAppFactory(new Dictionary<string, string?> { ["Pipeline:Runner:Enabled"] = "false" });
        using var used = app.CreateDbContext();
        Assert.Same(PipelineDbContextModel.Instance, used.Model);

        // The same configuration without the compiled model; the app's services (Identity's options shape its tables).
        var options = new DbContextOptionsBuilder<PipelineDbContext>()
            .UseSqlite("Data Source=:memory:")
            .UseApplicationServiceProvider(app.Services)
            .Options;
        using var built = new PipelineDbContext(options);
        Assert.NotSame(PipelineDbContextModel.Instance, built.Model);

        var expected = Describe(built.Model);
        var compiled = Describe(PipelineDbContextModel.Instance);
        var stale = expected.Except(compiled).Concat(compiled.Except(expected).Select(l => "compiled only: " + l)).ToList();
        Assert.True(stale.Count == 0,
            "The compiled model (ImagePipeline.Core/Data/CompiledModel) is stale: run scripts/add-migration.sh --compiled-model.\n"
            + string.Join("\n", stale));
        Assert.Equal(expected, compiled);
    }

    [Fact]
    public void Postgres_builds_its_own_model()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Pipeline:DataDirectory"] = TestPaths.NewTempDirectory(),
            ["Pipeline:Database:Provider"] = "Postgres",
            ["ConnectionStrings:Pipeline"] = "Host=127.0.0.1;Port=1;Database=none;Username=none",
        }).Build();
        using var services = new ServiceCollection().AddLogging().AddImagePipeline(configuration).BuildServiceProvider();
        using var db = services.GetRequiredService<IDbContextFactory<PipelineDbContext>>().CreateDbContext();
        Assert.True(db.Database.IsNpgsql());
        Assert.NotSame(PipelineDbContextModel.Instance, db.Model);
        Assert.Equal("timestamp with time zone", db.Model.FindEntityType(typeof(Core.Jobs.Job))!.FindProperty(nameof(Core.Jobs.Job.RunAfter))!.GetColumnType());
    }

    /// <summary>
    /// What a value converter does to sample values (the compiled model has each converter's expressions generated inline, so
    /// its class is not the configured one): a local time read back as UTC, an enum as its upper-case name and back.
    /// </summary>
    private static string Conversion(ValueConverter? converter)
    {
        if (converter is null)
        {
            return "none";
        }

        var model = Nullable.GetUnderlyingType(converter.ModelClrType) ?? converter.ModelClrType;
        object sample = model.IsEnum ? Enum.GetValues(model).GetValue(1)! : model == typeof(DateTime) ? new DateTime(2024, 7, 1, 12, 0, 0, DateTimeKind.Local) : "?";
        var stored = converter.ConvertToProvider(sample);
        var read = converter.ConvertFromProvider(stored is string text ? text.ToLowerInvariant() : stored);
        return $"{model.Name}->{converter.ProviderClrType.Name} {Show(sample)} => {Show(stored)} => {Show(read)}";

        static string Show(object? value) => value is DateTime time ? $"{time:O}/{time.Kind}" : $"{value}";
    }

    /// <summary>What the app relies on, property by property: columns, types, converters, keys, indexes, relationships.</summary>
    private static List<string> Describe(IModel model) => model.GetEntityTypes().OrderBy(e => e.Name).SelectMany(e =>
        new[] { $"{e.Name} -> {e.GetTableName()}" }
            .Concat(e.GetProperties().Select(p =>
                $"  {p.Name}: {p.ClrType.Name} {p.GetColumnName()} {p.GetColumnType()} null={p.IsNullable} max={p.GetMaxLength()} "
                + $"conv={Conversion(p.GetTypeMapping().Converter)} gen={p.ValueGenerated} token={p.IsConcurrencyToken} "
                + $"sentinel={p.Sentinel} provider={p.GetTypeMapping().Converter?.ProviderClrType.Name}"))
            .Concat(e.GetTableMappings().SelectMany(t => t.ColumnMappings).Select(c =>
                $"  column {c.Column.Table.Name}.{c.Column.Name} {c.Column.StoreType} null={c.Column.IsNullable} default={c.Column.DefaultValue} sql={c.Column.DefaultValueSql}"))
            .Concat(e.GetKeys().Select(k => $"  key {string.Join(",", k.Properties.Select(p => p.Name))} primary={k.IsPrimaryKey()}"))
            .Concat(e.GetIndexes().Select(i => $"  index {i.GetDatabaseName()} ({string.Join(",", i.Properties.Select(p => p.Name))}) unique={i.IsUnique}"))
            .Concat(e.GetForeignKeys().Select(f => $"  fk {string.Join(",", f.Properties.Select(p => p.Name))} -> {f.PrincipalEntityType.Name} {f.DeleteBehavior}"))).ToList();
}
