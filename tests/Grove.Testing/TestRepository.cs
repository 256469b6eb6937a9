using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Testing;

/// <summary>
/// A real git repository in a temp folder: <c>&lt;root&gt;/repo</c> is the primary worktree with
/// one commit on <c>main</c>; linked worktrees go beside it.
/// </summary>
public sealed class TestRepository : IDisposable
{
    private static readonly Dictionary<string, string?> Identity = new()
    {
        ["GIT_AUTHOR_NAME"] = "Grove Test",
        ["GIT_AUTHOR_EMAIL"] = "grove@test.invalid",
        ["GIT_COMMITTER_NAME"] = "Grove Test",
        ["GIT_COMMITTER_EMAIL"] = "grove@test.invalid",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_TERMINAL_PROMPT"] = "0",
    };

    private readonly TempFolder _root;

    private TestRepository(TempFolder root, string primary, string commonGitDirectory)
    {
        _root = root;
        Primary = primary;
        CommonGitDirectory = commonGitDirectory;
    }

    /// <summary>The folder holding the repository and its worktrees.</summary>
    public string Root => _root.Path;

    /// <summary>The primary worktree (for a bare repository: the bare folder).</summary>
    public string Primary { get; }

    public string CommonGitDirectory { get; }

    public static TestRepository Create(bool bare = false)
    {
        var root = new TempFolder("grove-repo");
        if (!bare)
        {
            var primary = System.IO.Path.Combine(root.Path, "repo");
            Directory.CreateDirectory(primary);
            RunGit(primary, "init", "-q", "-b", "main");
            File.WriteAllText(System.IO.Path.Combine(primary, "README.md"), "test\n");
            RunGit(primary, "add", "README.md");
            RunGit(primary, "commit", "-q", "-m", "initial");
            return new TestRepository(root, primary, System.IO.Path.Combine(primary, ".git"));
        }

        var seed = System.IO.Path.Combine(root.Path, "seed");
        Directory.CreateDirectory(seed);
        RunGit(seed, "init", "-q", "-b", "main");
        File.WriteAllText(System.IO.Path.Combine(seed, "README.md"), "test\n");
        RunGit(seed, "add", "README.md");
        RunGit(seed, "commit", "-q", "-m", "initial");
        var bareFolder = System.IO.Path.Combine(root.Path, "repo.git");
        RunGit(root.Path, "clone", "-q", "--bare", seed, bareFolder);
        Directory.Delete(seed, recursive: true);
        return new TestRepository(root, bareFolder, bareFolder);
    }

    /// <summary>Adds a linked worktree for a new branch, beside the primary; returns its folder.</summary>
    public string AddWorktree(string branch, string? folderName = null)
    {
        var folder = System.IO.Path.Combine(Root, folderName ?? $"wt-{Guid.NewGuid():N}"[..11]);
        Git(Primary, "worktree", "add", "-q", "-b", branch, folder);
        return folder;
    }

    /// <summary>Runs git in <paramref name="directory"/>; throws with git's message when it fails.</summary>
#pragma warning disable CA1822 // an instance method reads better in tests: repo.Git(...)
    public string Git(string directory, params string[] arguments) => RunGit(directory, arguments);
#pragma warning restore CA1822

    /// <summary>Stages everything in the primary worktree and commits it.</summary>
    public void CommitAll(string message)
    {
        RunGit(Primary, "add", "-A");
        RunGit(Primary, "commit", "-q", "-m", message);
    }

    internal WorktreeCatalog Catalog(Func<int, bool>? isPortFree = null, TimeProvider? time = null) =>
        new(new Git(), CommonGitDirectory, time, isPortFree ?? (_ => true));

    /// <summary>The worktrees with the app states the running front end recorded, as <c>grove ls</c> reads them.</summary>
    public async Task<Grove.Worktrees.RepositorySnapshot> SnapshotWithStatesAsync(CancellationToken cancellationToken)
    {
        await using var host = await Grove.Hosting.GroveHost.OpenAsync(new Grove.Hosting.GroveHostOptions { RepositoryPath = Primary }, cancellationToken);
        return await host.SnapshotAsync(cancellationToken);
    }

    /// <summary>What the supervisor recorded in the state store: app states, process ids, the front end that runs.</summary>
    internal Grove.Supervision.RunStore Runs() => new(new Grove.State.StateStore(CommonGitDirectory));

    internal IReadOnlyList<Grove.State.Lease> Leases() => new Grove.State.LeaseStore(new Grove.State.StateStore(CommonGitDirectory)).ReadAll();

    public void Dispose() => _root.Dispose();

    public static string RunGit(string directory, params string[] arguments)
    {
        var spec = new ProcessSpec("git", arguments, directory) { Environment = Identity };
        var result = ProcessRunner.RunAsync(spec, Bounded.Token(Bounded.Git)).GetAwaiter().GetResult();
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed in {directory}: {result.StandardError}");
        }

        return result.StandardOutput;
    }
}
