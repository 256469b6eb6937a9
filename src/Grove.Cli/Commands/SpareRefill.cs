using Grove.Cli.Output;
using Grove.Configuration;
using Grove.Databases;

namespace Grove.Cli.Commands;

/// <summary>
/// After a command that branched from the template (or rebuilt it) and printed its result: refill
/// the spares (PostgreSQL, <c>database.spares</c>) before the process exits, with progress on
/// standard error, so the next worktree's branch is a rename. A running <c>grove up</c> keeps
/// them full itself. A failure here is a warning: the command's own work is done.
/// </summary>
internal static class SpareRefill
{
    public static async Task RunAsync(CliContext context, DatabaseManager databases, DatabaseConfig config, CancellationToken cancellationToken)
    {
        if (!databases.SparesNeedWork(config) || context.Catalog.Runs.LiveSupervisor() is not null)
        {
            return;
        }

        try
        {
            await databases.RefillSparesAsync(config, StderrProgress.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            StderrProgress.Instance.Report($"warning: no spare branch was prepared ({ex.Message}); the next worktree's branch is copied from the template instead");
        }
    }
}
