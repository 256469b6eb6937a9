using System.Globalization;

namespace Grove.Databases;

/// <summary>
/// Spares (<c>database.spares</c>): ready-made branches of the current PostgreSQL template, so
/// that branching a worktree's database is a rename and a record update (milliseconds) instead of
/// a copy. Each spare is made like any branch (temporary recorded name, then rename) and tagged
/// with the seed hash and OID of the template it was copied from (<see cref="Tag"/>): a spare of
/// an older template is never handed out; it is dropped. Refilling is the caller's to schedule
/// (off the critical path). Callers hold the repository's database lock.
/// </summary>
internal sealed class SparePool(PostgresBrancher brancher, TimeProvider time)
{
    public const string PreparingMessage = "preparing a spare branch of the template for the next worktree…";
    private readonly PostgresBrancher _brancher = brancher ?? throw new ArgumentNullException(nameof(brancher));
    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>What a spare of <paramref name="template"/> is tagged with: a rebuilt template has a new OID.</summary>
    public static string Tag(OwnedDatabase template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return string.Create(CultureInfo.InvariantCulture, $"{template.SeedHash}@{template.Oid}");
    }

    /// <summary>
    /// Whether the spares of <paramref name="name"/> may need work, from the state store's
    /// <paramref name="records"/> alone: other than <paramref name="count"/> of them, or
    /// unfinished ones, or copies of an older template (or of none).
    /// </summary>
    public static bool NeedsWork(IReadOnlyList<OwnedDatabase> records, string name, int count)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var template = records.FirstOrDefault(d => d is { Ready: true, Kind: OwnedKind.Template } && d.Name == DatabaseNames.Template(name));
        var spares = records.Where(d => d.Kind == OwnedKind.Spare && d.FinalName.StartsWith(DatabaseNames.SparePrefix(name), StringComparison.Ordinal)).ToList();
        return count == 0
            ? spares.Count > 0
            : template is null || spares.Count != count || spares.Any(d => !d.Ready || d.SeedHash != Tag(template));
    }

    /// <summary>Gives <paramref name="target"/> a spare of the current template; false when none is ready.</summary>
    public async Task<bool> ClaimAsync(string name, string target, string worktree, string slug, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(target);
        ArgumentException.ThrowIfNullOrEmpty(worktree);
        ArgumentException.ThrowIfNullOrEmpty(slug);
        var started = _time.GetTimestamp();
        foreach (var spare in await CurrentAsync(name, progress, cancellationToken).ConfigureAwait(false))
        {
            if (await _brancher.ClaimAsync(spare.Name, target, worktree, slug, cancellationToken).ConfigureAwait(false))
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"branched {target} from the ready spare {spare.Name} in {_time.GetElapsedTime(started).TotalSeconds:0.000} s"));
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Drops stale spares and those beyond <paramref name="count"/>, and makes one spare when fewer
    /// are ready: true when it made one (call again, under a fresh hold of the lock, until false).
    /// </summary>
    public async Task<bool> RefillOneAsync(string name, int count, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var current = await CurrentAsync(name, progress, cancellationToken).ConfigureAwait(false);
        foreach (var extra in current.Skip(count))
        {
            if (await _brancher.DropOwnedAsync(extra.Name, cancellationToken).ConfigureAwait(false))
            {
                progress?.Report(string.Create(CultureInfo.InvariantCulture, $"dropped the spare {extra.Name}: database.spares is {count}"));
            }
        }

        if (current.Count >= count || await _brancher.FindOwnedAsync(DatabaseNames.Template(name), cancellationToken).ConfigureAwait(false) is not { } template)
        {
            return false;
        }

        progress?.Report(PreparingMessage);
        var started = _time.GetTimestamp();
        var spare = await _brancher.MakeSpareAsync(name, template.Name, Tag(template), null, cancellationToken).ConfigureAwait(false);
        progress?.Report(string.Create(CultureInfo.InvariantCulture, $"spare {spare} ready in {_time.GetElapsedTime(started).TotalSeconds:0.00} s"));
        return true;
    }

    /// <summary>The spares of the current template that exist as recorded, oldest first; the stale ones are dropped.</summary>
    private async Task<List<OwnedDatabase>> CurrentAsync(string name, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var template = await _brancher.FindOwnedAsync(DatabaseNames.Template(name), cancellationToken).ConfigureAwait(false);
        var tag = template is null ? null : Tag(template);
        var current = new List<OwnedDatabase>();
        foreach (var spare in _brancher.RecordedSpares(name))
        {
            if (spare.SeedHash == tag)
            {
                if (await _brancher.FindOwnedAsync(spare.Name, cancellationToken).ConfigureAwait(false) is not null)
                {
                    current.Add(spare);
                }
            }
            else if (await _brancher.DropOwnedAsync(spare.Name, cancellationToken).ConfigureAwait(false))
            {
                progress?.Report($"dropped the spare {spare.Name}: it is a copy of an older template");
            }
        }

        return current;
    }
}
