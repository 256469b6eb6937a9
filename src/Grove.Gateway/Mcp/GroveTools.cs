using System.ComponentModel;
using System.Globalization;
using Grove.Contracts;
using Grove.Hosting;
using Grove.Processes;
using Grove.Worktrees;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Grove.Gateway.Mcp;

/// <summary>
/// Grove's MCP tools: thin calls onto the host of the running <c>grove up</c> (or AppHost), served
/// over HTTP by the gateway and, through it, over stdio by <c>grove mcp</c>. Every answer is JSON;
/// a refusal or failure is an MCP tool error (<c>isError</c>) carrying the reason and the fix.
/// </summary>
[McpServerToolType]
internal sealed class GroveTools(IGroveHost host)
{
    private const int WaitLogLines = 20;

    /// <summary>How long a name no worktree has yet is waited for (a worktree just made appears within about a second).</summary>
    private static readonly TimeSpan AppearWithin = TimeSpan.FromSeconds(10);
    private const string WorktreeParameter = "The worktree: its slug (e.g. feature-login), branch (feature/login) or folder path.";

    [McpServerTool(Name = "list_worktrees", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Lists every worktree of the repository with its slug, branch, path, state (running, starting, stopped, failed…), health, direct URL, gateway URL, port and database (the fields of `grove ls --json`).")]
    public CallToolResult ListWorktrees() =>
        ToolJson.Ok(new WorktreeList([.. Snapshot().Worktrees.Select(WorktreeJson.From)]), ToolJson.Readable.WorktreeList);

    [McpServerTool(Name = "get_worktree", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Gets one worktree (the fields of `grove ls --json`): by slug, branch or folder, or the worktree that contains a path — pass your working directory as `path` to get your own worktree, its URL and its state.")]
    public CallToolResult GetWorktree(
        [Description("Slug, branch or folder of the worktree. Omit it to find the worktree by `path`.")] string? name = null,
        [Description("Any path inside a worktree (a file or folder, absolute): gets the worktree that contains it.")] string? path = null)
    {
        if (name is null && path is null)
        {
            return ToolJson.Error("get_worktree needs a worktree", "pass `name` (slug, branch or folder) or `path` (your working directory)");
        }

        return Guarded(() =>
        {
            var snapshot = Snapshot();
            var worktree = name is not null ? Resolve(snapshot, name) : Containing(snapshot, path!);
            return ToolJson.Ok(WorktreeJson.From(worktree), ToolJson.Readable.WorktreeJson);
        });
    }

    [McpServerTool(Name = "wait_healthy", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Waits until the worktree's app is running and healthy, then returns the worktree (use its `url` or `gatewayUrl` for end-to-end checks). If it fails, stops or is still not healthy after the timeout, returns an error with its state, the reason and the last log lines. A worktree just made by create_worktree is waited for until it appears.")]
    public async Task<CallToolResult> WaitHealthy(
        [Description(WorktreeParameter)] string worktree,
        [Description("Seconds to wait, from 1 to 3600 (default 120).")] double timeoutSeconds = 120,
        CancellationToken cancellationToken = default)
    {
        if (!double.IsFinite(timeoutSeconds) || timeoutSeconds is < 1 or > 3600)
        {
            return ToolJson.Error($"timeoutSeconds {timeoutSeconds.ToString(CultureInfo.InvariantCulture)} is out of range", "pass a number of seconds from 1 to 3600");
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            if (await AppearsAsync(worktree, limit.Token).ConfigureAwait(false))
            {
                await host.WaitForAsync(s => s.TryFind(worktree) is { IsSettled: true }, limit.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: report the state it is in.
        }

        return Guarded(() =>
        {
            var found = Resolve(Snapshot(), worktree);
            if (found.State == WorktreeState.Running)
            {
                return ToolJson.Ok(WorktreeJson.From(found), ToolJson.Readable.WorktreeJson);
            }

            var state = WorktreeStateNames.Of(found.State);
            var settled = found.IsSettled ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" after {timeoutSeconds:0.#} s");
            return ToolJson.Error(new ToolError(
                $"{found.Slug} is {state}{settled}{(found.StateReason is null ? string.Empty : $": {found.StateReason}")}",
                $"read the log lines below (get_logs for more), fix the cause, then call {(found.State == WorktreeState.Stopped ? "restart_app" : "restart_app (or reinstall, reset_database)")} and wait_healthy again",
                state,
                found.StateReason,
                LastLogLines(found)));
        });
    }

    /// <summary>
    /// Whether the worktree is known, or becomes known within <see cref="AppearWithin"/> (one made
    /// a moment ago, by create_worktree or <c>grove new</c>, shows once the host has seen it): a
    /// misspelt name is answered then, not after the whole timeout.
    /// </summary>
    private async Task<bool> AppearsAsync(string worktree, CancellationToken cancellationToken)
    {
        using var appear = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        appear.CancelAfter(AppearWithin);
        try
        {
            await host.WaitForAsync(s => s.TryFind(worktree) is not null, appear.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private List<string> LastLogLines(WorktreeSnapshot worktree) => [.. host.ReadLog(worktree.Slug, WaitLogLines).Select(l => l.ToString())];

    [McpServerTool(Name = "get_logs", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Reads a worktree's log (its app's stdout and stderr, its install output, and Grove's own lines about it), oldest first: the last `tail` lines, or every kept line since a time.")]
    public CallToolResult GetLogs(
        [Description(WorktreeParameter)] string worktree,
        [Description("How many of the last lines, from 1 to 500 (default 100).")] int tail = 100,
        [Description("Only lines at or after this time, ISO 8601 (e.g. 2026-12-01T10:00:00Z); up to the last 500 lines are kept.")] string? since = null) => Guarded(() =>
    {
        if (tail is < 1 or > WorktreeLog.TailSize)
        {
            return ToolJson.Error($"tail {tail} is out of range", $"pass a number of lines from 1 to {WorktreeLog.TailSize}");
        }

        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return ToolJson.Error($"since '{since}' is not a time", "pass an ISO 8601 time such as 2026-12-01T10:00:00Z");
            }

            from = parsed;
        }

        var found = Resolve(Snapshot(), worktree);
        var lines = from is { } start
            ? host.ReadLog(found.Slug, WorktreeLog.TailSize).Where(l => l.Timestamp >= start)
            : host.ReadLog(found.Slug, tail);
        return ToolJson.Ok(new LogAnswer(found.Slug, [.. lines.Select(l => new LogLineJson(l.Timestamp, l.Source.ToString().ToLowerInvariant(), l.Text))]), ToolJson.Readable.LogAnswer);
    });

    [McpServerTool(Name = "restart_app", Destructive = false, OpenWorld = false)]
    [Description("Restarts (or starts, when stopped) a worktree's app and waits until it runs again; returns the worktree, or an error with the reason when it does not come back. Its install runs again only when its inputs changed (lockfiles; for a custom install or build, the worktree's files): call reinstall to force it.")]
    public Task<CallToolResult> RestartApp([Description(WorktreeParameter)] string worktree, CancellationToken cancellationToken = default) =>
        CommandAsync(() =>
        {
            var found = Snapshot().TryFind(worktree);
            var command = found is not null && WorktreeCommand.Start.WhyNot(found) is null ? WorktreeCommand.Start : WorktreeCommand.Restart;
            return host.ExecuteAsync(worktree, command, waitForEffect: true, cancellationToken);
        });

    [McpServerTool(Name = "reinstall", Destructive = false, OpenWorld = false)]
    [Description("Stops a worktree's app, installs its dependencies afresh (grove.json `install`, or detected from lockfiles) and starts it again; returns the worktree once it runs, or an error with the reason.")]
    public Task<CallToolResult> Reinstall([Description(WorktreeParameter)] string worktree, CancellationToken cancellationToken = default) =>
        CommandAsync(() => host.ExecuteAsync(worktree, WorktreeCommand.Reinstall, waitForEffect: true, cancellationToken));

    [McpServerTool(Name = "reset_database", Destructive = true, OpenWorld = false)]
    [Description("Replaces a worktree's database by a fresh branch of the template (its rows are lost; other worktrees' databases are untouched): stops its app, resets, starts it again. Returns the worktree with its database.")]
    public Task<CallToolResult> ResetDatabase([Description(WorktreeParameter)] string worktree, CancellationToken cancellationToken = default) =>
        CommandAsync(() => host.ResetDatabaseAsync(worktree, progress: null, cancellationToken));

    [McpServerTool(Name = "create_worktree", Destructive = false, OpenWorld = false)]
    [Description("Creates a worktree with its own port, URL and database (`grove new`): a new branch (from `from`, default the primary worktree's HEAD), or an existing branch opened in a new folder beside the repository. Returns the worktree; its app is then installed and started: call wait_healthy next. With `issue` instead of `branch` (GitHub configured for the repository: its origin and a token), the issue is read and written as Markdown for the app (GROVE_ISSUE_FILE) and the branch is issue-<number>-<title>.")]
    public Task<CallToolResult> CreateWorktree(
        [Description("The branch to create or open, e.g. feature/login.")] string? branch = null,
        [Description("A GitHub issue number: makes the worktree for that issue on branch issue-<number>-<title> (instead of `branch`).")] long? issue = null,
        [Description("Where a new branch starts: a branch, tag or commit (default: the primary worktree's HEAD).")] string? from = null,
        [Description("Copy this worktree's current data (slug, branch or folder) instead of branching the template.")] string? databaseFrom = null,
        CancellationToken cancellationToken = default)
    {
        if ((branch is null) == (issue is null))
        {
            return Task.FromResult(ToolJson.Error("create_worktree needs either `branch` or `issue`", "pass a branch name such as feature/login, or a GitHub issue number"));
        }

        var request = issue is { } number ? CreateWorktreeRequest.ForIssue(number) : new CreateWorktreeRequest(branch!);
        return CommandAsync(async () =>
        {
            var created = await host.CreateWorktreeAsync(request with { From = from, DatabaseFrom = databaseFrom }, progress: null, cancellationToken).ConfigureAwait(false);
            return created is { Succeeded: true, Worktree: { } made } ? created with { Worktree = await AsTheHostSeesAsync(made, cancellationToken).ConfigureAwait(false) } : created;
        });
    }

    /// <summary>
    /// A worktree just made, as the host that runs the apps has it once it has seen it (its app
    /// pending or on its way up, not the <c>stopped</c> of a worktree no one runs yet), so the answer's
    /// state is what wait_healthy will follow; as made when the host has not seen it in time.
    /// </summary>
    private async Task<WorktreeSnapshot> AsTheHostSeesAsync(WorktreeSnapshot made, CancellationToken cancellationToken)
    {
        using var appear = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        appear.CancelAfter(AppearWithin);
        try
        {
            var seen = await host.WaitForAsync(s => s.TryFind(made.Path) is { } w && (w.State != WorktreeState.Stopped || w.StateReason is not null), appear.Token).ConfigureAwait(false);
            return seen.TryFind(made.Path) is { } found ? found with { Issue = found.Issue ?? made.Issue, Database = found.Database ?? made.Database } : made;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return made;
        }
    }

    [McpServerTool(Name = "remove_worktree", Destructive = true, OpenWorld = false)]
    [Description("Removes a worktree (`grove rm`): stops its app, removes its folder, releases its port and drops its database. Refused, with the reason and nothing changed, when it has uncommitted, untracked or ignored files that would be lost, is locked, or is the primary worktree (this tool never forces: a person can, with `grove rm --force`).")]
    public Task<CallToolResult> RemoveWorktree(
        [Description(WorktreeParameter)] string worktree,
        [Description("Also delete its branch; refused when the branch is not merged (default false).")] bool deleteBranch = false,
        [Description("Keep its database instead of dropping it (default false).")] bool keepDatabase = false,
        CancellationToken cancellationToken = default) =>
        CommandAsync(() => host.RemoveWorktreeAsync(new RemoveWorktreeRequest(worktree) { DeleteBranch = deleteBranch, KeepDatabase = keepDatabase }, progress: null, cancellationToken));

    private RepositorySnapshot Snapshot() => host.Current ?? throw new GroveException(
        "Grove has not read the repository's worktrees yet",
        "call again in a moment");

    private static WorktreeSnapshot Resolve(RepositorySnapshot snapshot, string name) => snapshot.Find(name) ?? throw new GroveException(
        $"no worktree is called '{name}'",
        $"name one by slug, branch or folder (list_worktrees shows them); known slugs: {string.Join(", ", snapshot.Worktrees.Select(w => w.Slug))}");

    /// <summary>The worktree whose folder holds <paramref name="path"/> (the innermost, when one worktree's folder is inside another's).</summary>
    private static WorktreeSnapshot Containing(RepositorySnapshot snapshot, string path)
    {
        if (!System.IO.Path.IsPathFullyQualified(path))
        {
            throw new GroveException($"path '{path}' is not absolute", "pass the absolute path of your working directory");
        }

        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        return snapshot.Worktrees
            .Where(w => full == w.Path.TrimEnd('/') || full.StartsWith(System.IO.Path.TrimEndingDirectorySeparator(w.Path) + "/", StringComparison.Ordinal))
            .MaxBy(w => w.Path.Length) ?? throw new GroveException(
                $"no worktree of this repository contains {full}",
                $"pass a path inside one of: {string.Join(", ", snapshot.Worktrees.Select(w => w.Path))}");
    }

    private static CallToolResult Guarded(Func<CallToolResult> tool)
    {
        try
        {
            return tool();
        }
        catch (GroveException ex)
        {
            return ToolJson.Error(AgentAdvice.ForTools(ex.Message)!, AgentAdvice.ForTools(ex.Fix));
        }
    }

    /// <summary>
    /// Runs a command; a refusal or failure is a tool error in the tools' terms, and when the app
    /// it acted on did not come up (failed, unhealthy…) it carries the app's state, reason and last
    /// log lines, as wait_healthy's does.
    /// </summary>
    private async Task<CallToolResult> CommandAsync(Func<Task<CommandResult>> command)
    {
        try
        {
            var result = await command().ConfigureAwait(false);
            if (result.Succeeded)
            {
                return ToolJson.Ok(new CommandAnswer("done", result.Message, result.Worktree is null ? null : WorktreeJson.From(result.Worktree)), ToolJson.Readable.CommandAnswer);
            }

            var app = result is { Outcome: CommandOutcome.Failed, Worktree: { State: not WorktreeState.Running } w } ? w : null;
            return ToolJson.Error(new ToolError(
                AgentAdvice.ForTools(result.Message)!,
                AgentAdvice.ForTools(result.Fix),
                result.Worktree is { } acted ? WorktreeStateNames.Of(acted.State) : null,
                result.Worktree?.StateReason,
                app is null ? null : LastLogLines(app)));
        }
        catch (GroveException ex)
        {
            return ToolJson.Error(AgentAdvice.ForTools(ex.Message)!, AgentAdvice.ForTools(ex.Fix));
        }
    }
}
