using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace ImagePipeline.Core.Sharing;

/// <summary>Share-link tokens: 32 random bytes as base64url (43 characters); only their SHA-256 is stored.</summary>
public static class ShareTokens
{
    public const int ByteLength = 32;

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ByteLength));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>True when the text has the shape of a token (so junk never reaches the database).</summary>
    public static bool IsWellFormed(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
