using Grove.Contracts;
using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>What can be asked of one worktree's app.</summary>
public enum WorktreeCommand
{
    Restart,
    Stop,
    Start,

    /// <summary>Stop the app, install its dependencies afresh, start it.</summary>
    Reinstall,

    /// <summary>Stop the app, replace its database by a fresh branch of the template, start it.</summary>
    ResetDatabase,
}

/// <summary>The names commands have in the CLI, the agent API and logs, and when each makes sense.</summary>
public static class WorktreeCommands
{
    private static readonly Dictionary<string, WorktreeCommand> ByVerb = new(StringComparer.Ordinal)
    {
        ["restart"] = WorktreeCommand.Restart,
        ["stop"] = WorktreeCommand.Stop,
        ["start"] = WorktreeCommand.Start,
        ["reinstall"] = WorktreeCommand.Reinstall,
        ["reset-db"] = WorktreeCommand.ResetDatabase,
    };

    /// <summary>Every verb, for usage texts.</summary>
    public static IReadOnlyCollection<string> Verbs => ByVerb.Keys;

    public static string Verb(this WorktreeCommand command) => ByVerb.First(p => p.Value == command).Key;

    public static bool TryParse(string verb, out WorktreeCommand command) => ByVerb.TryGetValue(verb, out command);

    /// <summary>Why the command does not fit the worktree's state now (a front end greys it out); null when it does.</summary>
    public static string? WhyNot(this WorktreeCommand command, WorktreeSnapshot worktree)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        if (worktree.IsPrunable)
        {
            return $"the folder of {worktree.Slug} is gone ({worktree.Path}); there is no app to steer";
        }

        var state = WorktreeStateNames.Of(worktree.State);
        return command switch
        {
            WorktreeCommand.Start when worktree.State is not (WorktreeState.Stopped or WorktreeState.Failed or WorktreeState.Exited) =>
                $"the app of {worktree.Slug} is already {state}; restart it instead",
            WorktreeCommand.Stop when worktree.State is WorktreeState.Stopped or WorktreeState.Failed =>
                $"the app of {worktree.Slug} is not running ({state})",
            _ => null,
        };
    }

    /// <summary>Whether the command's effect shows in <paramref name="worktree"/>: stopped for a stop, settled (running, failed, unhealthy) otherwise.</summary>
    internal static bool HasEnded(this WorktreeCommand command, WorktreeSnapshot worktree) => command == WorktreeCommand.Stop
        ? worktree.State is WorktreeState.Stopped or WorktreeState.Failed
        : worktree.IsSettled || worktree.State == WorktreeState.Unhealthy;

    /// <summary>The result of a command whose effect showed in <paramref name="after"/> (null: the worktree went meanwhile).</summary>
    internal static CommandResult Result(this WorktreeCommand command, WorktreeSnapshot before, WorktreeSnapshot? after)
    {
        if (after is null)
        {
            return CommandResult.Failed($"the worktree {before.Slug} went away during the {command.Verb()}");
        }

        var done = command switch
        {
            WorktreeCommand.Stop => $"stopped the app of {after.Slug}",
            WorktreeCommand.ResetDatabase => $"reset the database of {after.Slug}{(after.Database is { } db ? $" ({db.Name})" : string.Empty)} from the template; its app runs at {after.Url}",
            WorktreeCommand.Reinstall => $"reinstalled the dependencies of {after.Slug}; its app runs at {after.Url}",
            _ => $"the app of {after.Slug} runs at {after.Url}",
        };
        return command == WorktreeCommand.Stop || after.State == WorktreeState.Running
            ? CommandResult.Done(done, after)
            : CommandResult.Failed($"after the {command.Verb()}, the app of {after.Slug} is {WorktreeStateNames.Of(after.State)}{(after.StateReason is null ? string.Empty : $": {after.StateReason}")}", $"see 'grove logs {after.Slug}'") with { Worktree = after };
    }
}
