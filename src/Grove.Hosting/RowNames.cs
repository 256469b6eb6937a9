using System.Collections.Concurrent;

namespace Grove.Dashboard;

/// <summary>
/// The worktree row names of every repository in one AppHost: the dashboard knows a resource by
/// its name alone, so two repositories' <c>main</c> worktrees must not share one.
/// </summary>
internal sealed class RowNames
{
    private readonly ConcurrentDictionary<string, string> _owners = new(StringComparer.OrdinalIgnoreCase); // row name -> repository
    private readonly ConcurrentDictionary<(string Repository, string Slug), string> _names = new();

    /// <summary>The name of <paramref name="repository"/>'s row for <paramref name="slug"/>: the slug, or <c>&lt;repository&gt;-&lt;slug&gt;</c> when it is taken.</summary>
    public string Claim(string repository, string slug, ISet<string> reserved) =>
        _names.GetOrAdd((repository, slug), key =>
        {
            if (!reserved.Contains(key.Slug) && _owners.GetOrAdd(key.Slug, key.Repository) == key.Repository)
            {
                return key.Slug;
            }

            var prefixed = $"{key.Repository}-{key.Slug}";
            _owners.TryAdd(prefixed, key.Repository);
            return prefixed;
        });
}
