using System.Reflection;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Data;

/// <summary>Rows copied into one PostgreSQL table by <see cref="PostgresMove"/>.</summary>
public sealed record TableCopy(string Table, int Rows);

/// <summary>
/// Moves a SQLite installation's database to PostgreSQL (<c>migrate-to-postgres</c>, README "Scaling out"): the target is
/// migrated (under the advisory lock), refused unless every table is empty, then every table of the current model is copied
/// in foreign-key order in one transaction, keys, versions and timestamps as they are; identity sequences are moved past the
/// copied ids; the data-protection key files of <c>data/keys</c> are imported so sign-in cookies stay valid. The files stay where
/// they are: the data directory becomes the shared volume.
/// </summary>
public static partial class PostgresMove
{
    private const int BatchSize = 500;

    private static readonly MethodInfo CopyTableMethod = typeof(PostgresMove).GetMethod(nameof(CopyTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CountMethod = typeof(PostgresMove).GetMethod(nameof(CountAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Options for a PostgreSQL context on <paramref name="connectionString"/> with the PostgreSQL migrations.</summary>
    public static DbContextOptions<PipelineDbContext> PostgresOptions(string connectionString) =>
        new DbContextOptionsBuilder<PipelineDbContext>()
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PipelineDatabase.PostgresMigrationsAssembly)).Options;

    /// <summary>Options for a SQLite context on the database file (with the app's connection pragmas).</summary>
    public static DbContextOptions<PipelineDbContext> SqliteOptions(string databaseFile) =>
        new DbContextOptionsBuilder<PipelineDbContext>()
            .UseSqlite($"Data Source={databaseFile};Mode=ReadWrite;Pooling=False")
            .AddInterceptors(new SqliteConnectionInterceptor()).Options;

    /// <summary>Copies the (already migrated) SQLite database to PostgreSQL; throws <see cref="InvalidOperationException"/> when refused.</summary>
    public static async Task<IReadOnlyList<TableCopy>> CopyAsync(
        DbContextOptions<PipelineDbContext> sqlite, string postgresConnectionString, string? keysDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        await using var source = new PipelineDbContext(sqlite);
        var pendingSource = (await source.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pendingSource.Count > 0)
        {
            throw new InvalidOperationException($"The SQLite database has pending migrations ({string.Join(", ", pendingSource)}); run 'migrate' on it first.");
        }

        await using var target = new PipelineDbContext(PostgresOptions(postgresConnectionString));
        await PostgresMigrator.MigrateAsync(target, logger, cancellationToken);

        var tables = TablesInDependencyOrder(target.Model);
        var occupied = new List<string>();
        foreach (var table in tables)
        {
            var count = await (Task<int>)CountMethod.MakeGenericMethod(table.ClrType).Invoke(null, [target, cancellationToken])!;
            if (count > 0)
            {
                occupied.Add($"{table.GetTableName()} ({count})");
            }
        }

        if (occupied.Count > 0)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL database {target.Database.GetDbConnection().Database} is not empty: {string.Join(", ", occupied)}. " +
                "Move into a new, empty database (drop it or name another one); nothing was copied.");
        }

        target.ChangeTracker.AutoDetectChangesEnabled = false;
        source.ChangeTracker.QueryTrackingBehavior = QueryTrackingBehavior.NoTracking;
        await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken);
        var copied = new List<TableCopy>();
        foreach (var table in tables)
        {
            var rows = await (Task<int>)CopyTableMethod.MakeGenericMethod(table.ClrType).Invoke(null, [source, target, table, cancellationToken])!;
            copied.Add(new TableCopy(table.GetTableName()!, rows));
            LogCopied(logger, table.GetTableName()!, rows);
        }

        await ResetSequencesAsync(target, tables, cancellationToken);

        var imported = keysDirectory is null ? 0 : await ImportKeyFilesAsync(target, keysDirectory, cancellationToken);
        if (imported > 0)
        {
            var keys = copied.FindIndex(c => c.Table == target.Model.FindEntityType(typeof(DataProtectionKey))!.GetTableName());
            copied[keys] = copied[keys] with { Rows = copied[keys].Rows + imported };
        }

        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    /// <summary>Every table of the model, principals before their dependents (ties by name, so the order is stable).</summary>
    internal static List<IEntityType> TablesInDependencyOrder(IModel model)
    {
        var types = model.GetEntityTypes().Where(t => !t.IsOwned() && t.GetTableName() is not null && !t.HasSharedClrType).ToList();
        var ordered = new List<IEntityType>();
        var done = new HashSet<IEntityType>();
        while (ordered.Count < types.Count)
        {
            var ready = types.Where(t => !done.Contains(t) && t.GetForeignKeys()
                    .All(fk => fk.PrincipalEntityType == t || done.Contains(fk.PrincipalEntityType) || !types.Contains(fk.PrincipalEntityType)))
                .OrderBy(t => t.GetTableName(), StringComparer.Ordinal).FirstOrDefault()
                ?? throw new InvalidOperationException("The model's foreign keys form a cycle; the move cannot order its tables.");
            ordered.Add(ready);
            done.Add(ready);
        }

        return ordered;
    }

    private static Task<int> CountAsync<T>(PipelineDbContext db, CancellationToken cancellationToken)
        where T : class => db.Set<T>().CountAsync(cancellationToken);

    private static async Task<int> CopyTableAsync<T>(PipelineDbContext source, PipelineDbContext target, IEntityType table, CancellationToken cancellationToken)
        where T : class
    {
        if (table.GetProperties().FirstOrDefault(p => p.IsShadowProperty()) is { } shadow)
        {
            throw new InvalidOperationException($"{table.GetTableName()}.{shadow.Name} is a shadow property; the move copies CLR properties only.");
        }

        var timestamps = table.GetProperties()
            .Where(p => (Nullable.GetUnderlyingType(p.ClrType) ?? p.ClrType) is var type && (type == typeof(DateTime) || type == typeof(DateTimeOffset)))
            .Select(p => p.Name).ToList();
        var rows = 0;
        var batch = 0;
        await foreach (var entity in source.Set<T>().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var entry = target.Add(entity);
            foreach (var name in timestamps)
            {
                // timestamp with time zone takes UTC only; SQLite's converter already reads UTC, offsets are normalised here.
                var property = entry.Property(name);
                property.CurrentValue = property.CurrentValue switch
                {
                    DateTime { Kind: DateTimeKind.Unspecified } d => DateTime.SpecifyKind(d, DateTimeKind.Utc),
                    DateTime { Kind: DateTimeKind.Local } d => d.ToUniversalTime(),
                    DateTimeOffset o => o.ToUniversalTime(),
                    var value => value,
                };
            }

            rows++;
            if (++batch == BatchSize)
            {
                await target.SaveChangesAsync(cancellationToken);
                target.ChangeTracker.Clear();
                batch = 0;
            }
        }

        await target.SaveChangesAsync(cancellationToken);
        target.ChangeTracker.Clear();
        return rows;
    }

    /// <summary>Moves every identity/serial sequence past the copied ids (they were inserted explicitly, so the sequences did not advance).</summary>
    private static async Task ResetSequencesAsync(PipelineDbContext target, IEnumerable<IEntityType> tables, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            var store = StoreObjectIdentifier.Table(table.GetTableName()!, table.GetSchema());
            foreach (var property in table.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.OnAdd && IsInteger(p.ClrType)))
            {
                var qualified = Quote(table.GetSchema() is { } schema ? $"{schema}\".\"{table.GetTableName()}" : table.GetTableName()!);
                var column = property.GetColumnName(store)!;
                var sql = "SELECT setval(pg_get_serial_sequence('" + qualified.Replace("'", "''", StringComparison.Ordinal) + "', '" +
                    column.Replace("'", "''", StringComparison.Ordinal) + "'), COALESCE((SELECT MAX(" + Quote(column) + ") FROM " + qualified + "), 0) + 1, false)";
                await target.Database.ExecuteSqlRawAsync(sql, cancellationToken);
            }
        }

        static bool IsInteger(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(short);
        static string Quote(string identifier) => "\"" + identifier + "\"";
    }

    /// <summary>The SQLite instance's key ring (data/keys/key-*.xml) into DataProtectionKeys, as the EF key store names them.</summary>
    private static async Task<int> ImportKeyFilesAsync(PipelineDbContext target, string keysDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(keysDirectory))
        {
            return 0;
        }

        var present = (await target.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var imported = 0;
        foreach (var file in Directory.EnumerateFiles(keysDirectory, "*.xml").Order(StringComparer.Ordinal))
        {
            var friendlyName = Path.GetFileNameWithoutExtension(file);
            if (present.Contains(friendlyName))
            {
                continue;
            }

            await using var stream = File.OpenRead(file);
            var element = await XElement.LoadAsync(stream, LoadOptions.None, cancellationToken);
            target.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
            imported++;
        }

        await target.SaveChangesAsync(cancellationToken);
        target.ChangeTracker.Clear();
        return imported;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Copied {Rows} row(s) into {Table}")]
    private static partial void LogCopied(ILogger logger, string table, int rows);
}
