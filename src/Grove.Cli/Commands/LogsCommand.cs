using System.CommandLine;
using System.Text;
using Grove.Processes;
using Grove.Supervision;

namespace Grove.Cli.Commands;

/// <summary><c>grove logs [worktree] [-f] [--tail N]</c>: a worktree's app log, timestamped.</summary>
internal static class LogsCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("worktree") { Description = "Slug, branch or folder; default: the current worktree", Arity = ArgumentArity.ZeroOrOne };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new lines as they come (Ctrl+C to stop)" };
        var tail = new Option<int>("--tail") { Description = "How many of the last lines to print first (default 100)", DefaultValueFactory = _ => 100 };
        var command = new Command("logs", "Print a worktree's app log") { target, follow, tail };
        CommandAction.Set(command, async (parse, context, cancellationToken) =>
        {
            var snapshot = await context.SnapshotAsync(cancellationToken).ConfigureAwait(false);
            var worktree = context.Resolve(snapshot, parse.GetValue(target));
            if (LogFiles.ExistingFor(context.Catalog.Store, worktree) is not { } path)
            {
                throw new GroveException($"{worktree.Slug} has no log yet: 'grove up' has not run its app", "start 'grove up'; the log begins with its first run");
            }

            foreach (var line in WorktreeLog.ReadLastLines(path, Math.Max(0, parse.GetValue(tail))))
            {
                Console.Out.WriteLine(line);
            }

            if (parse.GetValue(follow))
            {
                await FollowAsync(path, cancellationToken).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    private static async Task FollowAsync(string path, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(0, SeekOrigin.End);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (!cancellationToken.IsCancellationRequested)
        {
            if (stream.Length < stream.Position)
            {
                stream.Seek(0, SeekOrigin.Begin); // the file was truncated or replaced
                reader.DiscardBufferedData();
            }

            while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
            {
                Console.Out.WriteLine(line);
            }

            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
        }
    }
}
