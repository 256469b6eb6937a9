using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Grove.Slugs;

/// <summary>
/// Turns a branch (or folder) name into a DNS label: <c>[a-z0-9-]</c>, at most 63 characters,
/// no leading, trailing or doubled hyphen, and readable (<c>feature/login</c> → <c>feature-login</c>).
/// </summary>
internal static class Slug
{
    public const int MaxLength = 63;
    private const int SuffixLength = 6;

    /// <summary>The readable form of <paramref name="name"/>; never empty.</summary>
    public static string From(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var builder = new StringBuilder(Math.Min(name.Length, MaxLength));
        var pendingHyphen = false;
        foreach (var c in name.Normalize(NormalizationForm.FormKD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue; // é → e
            }

            var lower = char.ToLowerInvariant(c);
            if (lower is (>= 'a' and <= 'z') or (>= '0' and <= '9'))
            {
                if (pendingHyphen && builder.Length > 0)
                {
                    builder.Append('-');
                }

                pendingHyphen = false;
                builder.Append(lower);
                if (builder.Length >= MaxLength)
                {
                    break;
                }
            }
            else
            {
                pendingHyphen = true;
            }
        }

        var slug = Trim(builder.ToString(), MaxLength);
        return slug.Length > 0 ? slug : "wt-" + Hash(name);
    }

    /// <summary>
    /// The <paramref name="attempt"/>-th alternative for <paramref name="readable"/> when it is taken:
    /// a short hash of <paramref name="identity"/> (stable across runs and machines) separates them.
    /// </summary>
    public static string WithSuffix(string readable, string identity, int attempt = 0)
    {
        ArgumentNullException.ThrowIfNull(readable);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var suffix = Hash(attempt == 0 ? identity : $"{identity}\n{attempt}");
        return $"{Trim(readable, MaxLength - SuffixLength - 1)}-{suffix}";
    }

    /// <summary>True when <paramref name="value"/> is a slug this class could produce.</summary>
    public static bool IsValid(string value) =>
        value.Length is > 0 and <= MaxLength
        && value[0] != '-' && value[^1] != '-'
        && !value.Contains("--", StringComparison.Ordinal)
        && value.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-');

    private static string Trim(string slug, int length) =>
        (slug.Length > length ? slug[..length] : slug).TrimEnd('-');

    /// <summary>The first <paramref name="length"/> hex digits of SHA-256(UTF-8 <paramref name="text"/>): stable across runs and machines.</summary>
    internal static string Hash(string text, int length = SuffixLength)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexStringLower(digest)[..length];
    }
}
