using Grove.Configuration;
using Grove.Dependencies;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Tests.Dependencies;

/// <summary>A real repository for installer tests, and what the installer printed.</summary>
internal sealed class InstallerFixture : IDisposable
{
    private readonly List<string> _output = [];

    private InstallerFixture(TestRepository repo)
    {
        Repo = repo;
        Installer = new DependencyInstaller(repo.CommonGitDirectory);
    }

    public TestRepository Repo { get; }

    public DependencyInstaller Installer { get; }

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    public static CancellationToken Ct => Bounded.Token(TimeSpan.FromMinutes(3));

    /// <summary>A repository whose primary worktree holds the files <paramref name="write"/> makes, committed.</summary>
    public static async Task<InstallerFixture> CreateAsync(Func<string, Task> write, string gitignore = "node_modules/\nbin/\nobj/\n")
    {
        var repo = TestRepository.Create();
        if (gitignore.Length > 0)
        {
            await File.WriteAllTextAsync(Path.Combine(repo.Primary, ".gitignore"), gitignore);
        }

        await write(repo.Primary);
        repo.CommitAll("project");
        return new InstallerFixture(repo);
    }

    public static async Task<InstallerFixture> CreateNpmAsync() =>
        new(await NpmProject.CreateRepositoryAsync(NpmProject.Small));

    /// <summary>A second worktree, made by <see cref="CreateNpmInstalledInPrimaryAsync"/>.</summary>
    public string Linked { get; private set; } = string.Empty;

    /// <summary>An npm project installed in the primary worktree, and a second worktree (<see cref="Linked"/>) with nothing installed yet.</summary>
    public static async Task<InstallerFixture> CreateNpmInstalledInPrimaryAsync(string branch)
    {
        var fixture = await CreateNpmAsync();
        fixture.Linked = fixture.Repo.AddWorktree(branch);
        await fixture.EnsureAsync(fixture.Repo.Primary);
        return fixture;
    }

    public async Task<WorktreeSnapshot> WorktreeAsync(string path)
    {
        var snapshot = await Repo.Catalog().SnapshotAsync(Ct);
        return snapshot.Find(path) ?? throw new InvalidOperationException($"no worktree at {path}");
    }

    public async Task<InstallReport> EnsureAsync(string path, GroveConfig? config = null, bool force = false, CancellationToken? cancellationToken = null)
    {
        var worktree = await WorktreeAsync(path);
        return await Installer.EnsureInstalledAsync(worktree, config ?? GroveConfigLoader.LoadFromWorktree(path), Record, null, force, cancellationToken ?? Ct);
    }

    public static async Task<ProcessResult> NodeAsync(string folder, string script) =>
        await ProcessRunner.RunAsync(new ProcessSpec("node", ["-e", script], folder), Bounded.Token(Bounded.Process));

    public string Status(string path) => Repo.Git(path, "status", "--porcelain", "--ignored=no");

    public void Dispose() => Repo.Dispose();

    private void Record(string line)
    {
        lock (_output)
        {
            _output.Add(line);
        }
    }
}
