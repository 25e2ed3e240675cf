using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ImagePipeline.Core.Data;

/// <summary>SQLite keeps no time zone: every timestamp is written as UTC and read back as <see cref="DateTimeKind.Utc"/>.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
