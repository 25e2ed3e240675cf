using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ImagePipeline.Core.Data;

/// <summary>Stores an enum as its upper-case name (<c>Ingested</c> → <c>INGESTED</c>), the predecessor's format.</summary>
public sealed class UpperCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
    v => v.ToString().ToUpperInvariant(),
    s => Enum.Parse<TEnum>(s, true))
    where TEnum : struct, Enum;
