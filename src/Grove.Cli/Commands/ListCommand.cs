using Grove.Contracts;
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Grove.Cli.Output;
using Grove.Worktrees;

namespace Grove.Cli.Commands;

/// <summary><c>grove ls [--json]</c>: every worktree with its slug, port, URLs and state.</summary>
internal static class ListCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array (fields in the README) instead of a table" };
        var command = new Command("ls", "List the worktrees of the repository with their ports and URLs") { json };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            await context.SettleInterruptedAsync(cancellationToken).ConfigureAwait(false); // a crashed run's half-made database is not listed as if it were real
            RepositorySnapshot snapshot;
            await using (var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false))
            {
                await host.RefreshPullRequestsAsync(cancellationToken).ConfigureAwait(false); // at most once a poll interval, shared with grove up
                snapshot = await host.SnapshotAsync(cancellationToken).ConfigureAwait(false);
                if (await host.TemplateWarningAsync(cancellationToken).ConfigureAwait(false) is { } warning)
                {
                    await Console.Error.WriteLineAsync($"grove: {warning}").ConfigureAwait(false);
                }
            }

            await CliContext.WarnIfConfigBrokenAsync(snapshot).ConfigureAwait(false);
            if (snapshot.GitHubNotice is { } notice)
            {
                await Console.Error.WriteLineAsync($"grove: warning: {notice}").ConfigureAwait(false);
            }

            if (parse.GetValue(json))
            {
                var items = snapshot.Worktrees.Select(WorktreeJson.From).ToList(); // the snapshot has all: the agent API shows the same
                Console.Out.WriteLine(JsonSerializer.Serialize(items, ContractJson.Default.ListWorktreeJson));
                return 0;
            }

            var rows = snapshot.Worktrees.Select(w => (IReadOnlyList<string>)
            [
                w.Slug + (w.IsPrimary ? " *" : string.Empty),
                w.Branch ?? "(detached)",
                w.Port.ToString(CultureInfo.InvariantCulture),
                w.Url,
                w.GatewayUrl,
                WorktreeStateNames.Of(w.State) + Flags(w),
                w.PullRequest is { } pr ? PullRequestText(pr) : "-",
                w.Path,
            ]).ToList();
            Console.Out.Write(TextTable.Render(["SLUG", "BRANCH", "PORT", "URL", "GATEWAY URL", "STATE", "PR", "PATH"], rows));
            foreach (var w in snapshot.Worktrees.Where(w => w.Warning is not null))
            {
                Console.Out.WriteLine($"! {w.Slug}: {w.Warning}");
            }

            return 0;
        });
        return command;
    }

    private static string PullRequestText(Grove.GitHub.PullRequestStatus pr)
    {
        var json = PullRequestJson.From(pr);
        return pr.Checks == Grove.GitHub.PullRequestChecks.None ? $"#{json.Number} {json.State}" : $"#{json.Number} {json.State} checks {json.Checks}";
    }

    private static string Flags(Grove.Worktrees.WorktreeSnapshot w) =>
        (w.Warning is not null ? " !" : string.Empty) + (w.IsLocked ? " locked" : string.Empty) + (w.IsPrunable ? " prunable" : string.Empty);
}
