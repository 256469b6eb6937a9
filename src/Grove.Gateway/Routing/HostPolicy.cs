namespace Grove.Gateway.Routing;

/// <summary>What a request's Host header asks for.</summary>
internal enum HostKind
{
    /// <summary>Not a loopback name: refused (DNS rebinding protection).</summary>
    Refused,

    /// <summary>The gateway itself: landing page and agent API.</summary>
    Gateway,

    /// <summary><c>&lt;slug&gt;.localhost</c>: a worktree's app.</summary>
    Worktree,
}

/// <summary>
/// Only names that always mean this machine are served: <c>localhost</c>, <c>*.localhost</c>,
/// <c>127.0.0.1</c>, <c>[::1]</c>, plus names the user configured. Anything else is refused, so a
/// web page on another site cannot reach the apps through DNS rebinding.
/// </summary>
internal sealed class HostPolicy(IReadOnlyList<string> extraNames)
{
    private const string LocalhostSuffix = ".localhost";
    private readonly HashSet<string> _gatewayNames = new(
        ["localhost", "127.0.0.1", "[::1]", "::1", .. extraNames.Select(n => n.ToLowerInvariant())],
        StringComparer.Ordinal);

    /// <param name="host">The Host header's name, without the port.</param>
    public (HostKind Kind, string? Slug) Classify(string host)
    {
        var name = host.TrimEnd('.').ToLowerInvariant();
        if (_gatewayNames.Contains(name))
        {
            return (HostKind.Gateway, null);
        }

        if (name.EndsWith(LocalhostSuffix, StringComparison.Ordinal) && name.Length > LocalhostSuffix.Length)
        {
            return (HostKind.Worktree, name[..^LocalhostSuffix.Length]);
        }

        return (HostKind.Refused, null);
    }
}
