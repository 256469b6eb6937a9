using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grove.Processes;

namespace Grove.Dependencies;

/// <summary>
/// A digest of a worktree's sources as git sees them: the commit checked out, and each changed or
/// untracked (not ignored) file with its size and write time. It stands in for the inputs of an
/// install step Grove cannot know (a custom command, a build): an edit changes it, a crash does
/// not. Cheap: one <c>git rev-parse</c> and one <c>git status</c>, no file is read.
/// </summary>
internal static class SourceState
{
    public static async Task<string> DigestAsync(Git git, string worktreePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(git);
        ArgumentException.ThrowIfNullOrWhiteSpace(worktreePath);
        var head = await git.TryRunAsync(worktreePath, ["rev-parse", "--verify", "-q", "HEAD"], cancellationToken).ConfigureAwait(false);
        var status = await git.RunAsync(worktreePath, ["status", "--porcelain=v1", "-z", "--untracked-files=all"], cancellationToken).ConfigureAwait(false);
        var text = new StringBuilder("head\0").Append(head.StandardOutput.Trim()).Append('\0');
        var entries = status.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            text.Append(entry).Append('\0');
            if (entry.Length < 4)
            {
                continue;
            }

            var file = new FileInfo(Path.Combine(worktreePath, entry[3..]));
            text.Append(file.Exists
                ? string.Create(CultureInfo.InvariantCulture, $"{file.Length}:{file.LastWriteTimeUtc.Ticks}")
                : "missing").Append('\0');
            if (entry[0] is 'R' or 'C')
            {
                i++; // the entry after a rename or copy is its old path
            }
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))).ToLowerInvariant();
    }
}
