using System.CommandLine;
using Grove.Cli.Output;

namespace Grove.Cli.Commands;

/// <summary><c>grove pr comment [worktree] [--file report.md]</c>: the worktree's validation evidence on its pull request.</summary>
internal static class PullRequestCommand
{
    public static Command Create()
    {
        var target = new Argument<string?>("worktree") { Description = "The worktree's slug, branch or folder; default: the current one", Arity = ArgumentArity.ZeroOrOne };
        var file = new Option<string?>("--file") { Description = "A Markdown report to include (for example the end-to-end test output); '-' reads standard input" };
        var comment = new Command("comment", "Post (or update) one comment on the worktree's pull request: commit, app health and URL, database branch, and the report") { target, file };
        CommandAction.Set(comment, async (parse, context, cancellationToken) =>
        {
            var report = parse.GetValue(file) switch
            {
                null => null,
                "-" => await Console.In.ReadToEndAsync(cancellationToken).ConfigureAwait(false),
                var path when File.Exists(path) => await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false),
                var path => throw new GroveException($"the report file {Path.GetFullPath(path)} does not exist", "pass the path of a Markdown file, or '-' to read standard input"),
            };
            await using var host = await context.OpenHostAsync(cancellationToken).ConfigureAwait(false);
            var worktree = parse.GetValue(target) ?? context.CurrentWorktree(await host.SnapshotAsync(cancellationToken).ConfigureAwait(false)).Path;
            var result = (await host.CommentOnPullRequestAsync(worktree, report, cancellationToken).ConfigureAwait(false)).ThrowIfNotDone();
            Console.Out.WriteLine(result.Message);
            return 0;
        });
        return new Command("pr", "The worktree's GitHub pull request") { comment };
    }
}
