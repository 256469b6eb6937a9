using System.Security.Cryptography;
using System.Text;
using Grove.Slugs;

namespace Grove.Databases;

/// <summary>
/// The names of Grove's databases. A branch is <c>&lt;name&gt;_&lt;slug&gt;</c> (for example
/// <c>app_feature-login</c>); slugs are unique and hold only <c>[a-z0-9-]</c>, so branch names are
/// unique too, and never equal the template (<c>&lt;name&gt;__template</c>) or a temporary clone
/// (<c>&lt;name&gt;__new_&lt;token&gt;</c>) or a spare (<c>&lt;name&gt;__spare_&lt;token&gt;</c>), which hold
/// a double underscore that no slug can make.
/// Names longer than PostgreSQL's 63 bytes keep a readable prefix and a hash of the full slug.
/// </summary>
internal static class DatabaseNames
{
    public const int MaxLength = 63;
    private const int HashLength = 10;

    public static string Branch(string name, string slug)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(slug);
        var full = $"{name}_{slug}";
        if (Encoding.UTF8.GetByteCount(full) <= MaxLength)
        {
            return full;
        }

        var keep = MaxLength - name.Length - HashLength - 2;
        return $"{name}_{slug[..Math.Max(0, keep)].TrimEnd('-')}_{Slug.Hash(slug, HashLength)}";
    }

    public static string Template(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{name}__template";
    }

    /// <summary>A name no one else uses, for a clone that is renamed once complete.</summary>
    public static string Temporary(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{name}__new_{Token(8)}";
    }

    /// <summary>A ready-made branch of the template that no worktree has claimed yet.</summary>
    public static string Spare(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return $"{SparePrefix(name)}{Token(6)}"; // at most 40 + 8 + 12 bytes
    }

    /// <summary>What every spare's name of <paramref name="name"/> starts with.</summary>
    public static string SparePrefix(string name) => $"{name}__spare_";

    /// <summary>A PostgreSQL identifier in double quotes, inner quotes doubled.</summary>
    public static string Quote(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Token(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
