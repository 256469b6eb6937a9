namespace Grove.GitHub;

/// <summary>
/// Reads <c>owner/name</c> and the host out of a git remote's address:
/// <c>https://github.com/o/r(.git)</c>, <c>git@github.com:o/r.git</c>, <c>ssh://git@host(:port)/o/r.git</c>,
/// or the same on a GitHub Enterprise host.
/// </summary>
internal static class GitHubRemote
{
    /// <summary>The host, owner and name a remote address names; null when it is not such an address.</summary>
    public static (string Host, string Owner, string Name)? Parse(string? remote)
    {
        if (string.IsNullOrWhiteSpace(remote))
        {
            return null;
        }

        remote = remote.Trim();
        string host;
        string path;
        if (remote.Contains("://", StringComparison.Ordinal))
        {
            if (!Uri.TryCreate(remote, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "ssh" or "git") || string.IsNullOrEmpty(uri.Host))
            {
                return null;
            }

            host = uri.Host;
            path = uri.AbsolutePath;
        }
        else
        {
            // scp-like: [user@]host:owner/name(.git)
            var colon = remote.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || remote.StartsWith('/'))
            {
                return null;
            }

            var at = remote.LastIndexOf('@', colon);
            host = remote[(at + 1)..colon];
            path = remote[(colon + 1)..];
        }

        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || host.Length == 0)
        {
            return null;
        }

        var owner = parts[^2];
        var name = parts[^1].EndsWith(".git", StringComparison.OrdinalIgnoreCase) ? parts[^1][..^4] : parts[^1];
        return IsOwnerAndName($"{owner}/{name}") ? (host.ToLowerInvariant(), owner, name) : null;
    }

    /// <summary>Whether <paramref name="value"/> is <c>owner/name</c> (letters, digits, '-', '_', '.').</summary>
    public static bool IsOwnerAndName(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var parts = value.Split('/');
        return parts.Length == 2 && parts.All(p => p.Length is > 0 and <= 100 && p is not ("." or "..") && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'));
    }
}
