using Aspire.Hosting.ApplicationModel;
using Grove.Hosting;
using Grove.Worktrees;

namespace Grove.Dashboard;

/// <summary>
/// The dashboard commands on a worktree's row, each carried out by Grove's host and answered with
/// its result (a refused or failed command shows its reason). Each is enabled only in the states
/// where it makes sense.
/// </summary>
internal static class DashboardCommands
{
    public static readonly string Restart = KnownResourceCommands.RestartCommand;
    public static readonly string Stop = KnownResourceCommands.StopCommand;
    public static readonly string Start = KnownResourceCommands.StartCommand;
    public const string Reinstall = "grove-reinstall";
    public const string ResetDatabase = "grove-reset-database";
    public const string Remove = "grove-remove-worktree";

    public static void AddTo(WorktreeResource resource, GroveHost host)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(host);

        Add(resource, Restart, "Restart", "Stop the app and start it again", "ArrowCounterclockwise", highlighted: true,
            w => Fits(WorktreeCommand.Restart, w) && w.State is not (WorktreeState.Stopped or WorktreeState.Stopping),
            ct => host.ExecuteAsync(resource.Slug, WorktreeCommand.Restart, waitForEffect: true, ct));
        // As Aspire's own resources: Stop shows while the app runs, Start while it does not.
        Add(resource, Stop, "Stop", "Stop the app (it stays stopped until started)", "Stop", highlighted: true,
            w => Fits(WorktreeCommand.Stop, w) && w.State != WorktreeState.Stopping,
            ct => host.ExecuteAsync(resource.Slug, WorktreeCommand.Stop, waitForEffect: true, ct),
            visible: w => !Fits(WorktreeCommand.Start, w));
        Add(resource, Start, "Start", "Start the app", "Play", highlighted: true,
            w => Fits(WorktreeCommand.Start, w),
            ct => host.ExecuteAsync(resource.Slug, WorktreeCommand.Start, waitForEffect: true, ct),
            visible: w => Fits(WorktreeCommand.Start, w));
        Add(resource, Reinstall, "Reinstall", "Stop the app, install its dependencies afresh and start it", "ArrowDownload", highlighted: false,
            w => Fits(WorktreeCommand.Reinstall, w) && w.State is not (WorktreeState.Stopping or WorktreeState.Installing),
            ct => host.ExecuteAsync(resource.Slug, WorktreeCommand.Reinstall, waitForEffect: true, ct));
        Add(resource, ResetDatabase, "Reset database", "Replace its database by a fresh branch of the template", "DatabaseArrowDown", highlighted: false,
            w => Fits(WorktreeCommand.ResetDatabase, w) && w.State is not (WorktreeState.Stopping or WorktreeState.BranchingDatabase),
            ct => host.ExecuteAsync(resource.Slug, WorktreeCommand.ResetDatabase, waitForEffect: true, ct),
            confirmation: "Replace this worktree's database by a fresh copy of the template? Its data is lost.",
            visible: w => w.Database is not null);
        Add(resource, Remove, "Remove worktree", "Stop the app, remove the worktree's folder and drop its database", "Delete", highlighted: false,
            _ => true,
            ct => host.RemoveWorktreeAsync(new RemoveWorktreeRequest(resource.Slug), progress: null, ct),
            confirmation: "Remove this worktree (its folder, its port and its database)? Grove refuses when it has uncommitted or untracked changes.",
            visible: w => !w.IsPrimary);
    }

    private static void Add(
        WorktreeResource resource,
        string name,
        string displayName,
        string description,
        string icon,
        bool highlighted,
        Func<WorktreeSnapshot, bool> enabled,
        Func<CancellationToken, Task<CommandResult>> execute,
        string? confirmation = null,
        Func<WorktreeSnapshot, bool>? visible = null)
    {
        resource.Annotations.Add(new ResourceCommandAnnotation(
            name: name,
            displayName: displayName,
            updateState: _ => resource.Latest is not { } latest ? ResourceCommandState.Hidden
                : visible is not null && !visible(latest) ? ResourceCommandState.Hidden
                : enabled(latest) ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
            executeCommand: context => RunAsync(execute, context.CancellationToken),
            displayDescription: description,
            parameter: null,
            confirmationMessage: confirmation,
            iconName: icon,
            iconVariant: IconVariant.Regular,
            isHighlighted: highlighted));
    }

    private static async Task<ExecuteCommandResult> RunAsync(Func<CancellationToken, Task<CommandResult>> execute, CancellationToken cancellationToken)
    {
        try
        {
            var result = await execute(cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? CommandResults.Success(result.Message) : CommandResults.Failure(Describe(result.Message, ForTheDashboard(result.Fix)));
        }
        catch (GroveException e)
        {
            return CommandResults.Failure(Describe(e.Message, e.Fix));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CommandResults.Canceled();
        }
    }

    /// <summary>The engine's own rule (<see cref="WorktreeCommands.WhyNot"/>): the dashboard greys out what the host would refuse.</summary>
    private static bool Fits(WorktreeCommand command, WorktreeSnapshot worktree) => command.WhyNot(worktree) is null;

    /// <summary>A fix line written for the CLI, said as the dashboard offers it (it has no --force).</summary>
    private static string? ForTheDashboard(string? fix) =>
        fix?.Replace(", or pass --force to discard them", " (the dashboard never discards work: 'grove rm --force' does)", StringComparison.Ordinal);

    private static string Describe(string message, string? fix) => fix is null ? message : $"{message}. Fix: {fix}";
}
