using Aspire.Hosting.ApplicationModel;
using Grove.Hosting;
using Grove.Worktrees;
using Microsoft.Extensions.Logging;

namespace Grove.Dashboard;

/// <summary>
/// The dashboard rows of one repository's worktrees, kept in step with Grove's snapshots: a new
/// worktree gets a row (with its commands and its log), a changed one an update, a removed one is
/// hidden. One resource instance per name for the whole run, so a worktree re-created under the
/// same slug gets its old row back (the dashboard cannot delete a row).
/// </summary>
internal sealed class WorktreeRows : IAsyncDisposable
{
    private readonly GroveRepositoryResource _repository;
    private readonly GroveHost _host;
    private readonly ResourceNotificationService _notifications;
    private readonly ResourceLoggerService _logs;
    private readonly ILogger _console;
    private readonly ISet<string> _reservedNames;
    private readonly RowNames _names;
    private readonly Dictionary<string, WorktreeResource> _bySlug = new(StringComparer.Ordinal);
    private readonly Dictionary<string, WorktreeLogPump> _pumps = new(StringComparer.Ordinal);

    public WorktreeRows(GroveRepositoryResource repository, GroveHost host, ResourceNotificationService notifications, ResourceLoggerService logs, ILogger console, ISet<string> reservedNames, RowNames names)
    {
        _names = names;
        _repository = repository;
        _host = host;
        _notifications = notifications;
        _logs = logs;
        _console = console;
        _reservedNames = reservedNames;
    }

    /// <summary>
    /// The row name for a slug: the slug itself, unless another resource of the app has that name
    /// (a resource of the model, or a worktree row of another repository in this AppHost): then
    /// prefixed with the repository's name. The same slug always gets the same name.
    /// </summary>
    public string NameFor(string slug)
    {
        lock (_bySlug)
        {
            return _bySlug.TryGetValue(slug, out var known) ? known.Name
                : _names.Claim(_repository.Name, slug, _reservedNames);
        }
    }

    /// <summary>Publishes every worktree of <paramref name="snapshot"/> and hides those no longer in it.</summary>
    public async Task ApplyAsync(RepositorySnapshot snapshot, CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var worktree in snapshot.Worktrees)
        {
            present.Add(worktree.Slug);
            var resource = RowFor(worktree.Slug);
            var appeared = resource.Latest is null;
            if (!appeared && resource.Latest == worktree)
            {
                continue; // unchanged: another worktree changed (the dashboard gets no needless update)
            }

            resource.Latest = worktree;
            if (appeared)
            {
                _logs.ClearBacklog(resource.Name); // a re-created worktree starts a fresh console log
            }

            await _notifications.PublishUpdateAsync(resource, s => WorktreeProjection.Apply(s, worktree, _repository.Name)).ConfigureAwait(false);
            if (appeared)
            {
                Log.RowShown(_console, worktree.Slug, worktree.Branch ?? "detached", resource.Name);
                _pumps[worktree.Slug] = new WorktreeLogPump(_host, worktree.Slug, _logs.GetLogger(resource), _console);
            }
        }

        foreach (var (slug, resource) in Snapshot())
        {
            if (!present.Contains(slug) && resource.Latest is not null)
            {
                resource.Latest = null;
                await StopPumpAsync(slug).ConfigureAwait(false);
                await _notifications.PublishUpdateAsync(resource, WorktreeProjection.Remove).ConfigureAwait(false);
                Log.RowHidden(_console, slug, resource.Name);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var slug in _pumps.Keys.ToList())
        {
            await StopPumpAsync(slug).ConfigureAwait(false);
        }
    }

    private WorktreeResource RowFor(string slug)
    {
        lock (_bySlug)
        {
            if (!_bySlug.TryGetValue(slug, out var resource))
            {
                resource = new WorktreeResource(NameFor(slug), _repository);
                resource.Annotations.Add(new ResourceIconAnnotation("Branch", IconVariant.Regular));
                DashboardCommands.AddTo(resource, _host);
                _bySlug[slug] = resource;
            }

            return resource;
        }
    }

    private List<KeyValuePair<string, WorktreeResource>> Snapshot()
    {
        lock (_bySlug)
        {
            return [.. _bySlug];
        }
    }

    private async Task StopPumpAsync(string slug)
    {
        if (_pumps.Remove(slug, out var pump))
        {
            await pump.DisposeAsync().ConfigureAwait(false);
        }
    }
}
