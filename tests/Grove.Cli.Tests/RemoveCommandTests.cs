namespace Grove.Cli.Tests;

public class RemoveCommandTests
{
    [Fact]
    public async Task Rm_CleanWorktree_RemovesItKeepsBranchReleasesLease()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/done");
        var other = repo.AddWorktree("feature/other");
        File.WriteAllText(Path.Combine(other, "untracked.txt"), "keep me");
        var otherStatus = repo.Git(other, "status", "--porcelain", "--untracked-files=all");
        await GroveCli.SucceedAsync(repo.Primary, "ls");

        var output = await GroveCli.SucceedAsync(repo.Primary, "rm", "feature-done");

        Assert.Contains("branch 'feature/done' kept", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
        Assert.Contains("feature/done", repo.Git(repo.Primary, "branch", "--list", "feature/done"), StringComparison.Ordinal);
        Assert.Equal(otherStatus, repo.Git(other, "status", "--porcelain", "--untracked-files=all"));
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(other, "untracked.txt")));
        Assert.DoesNotContain(await NewCommandTests.ListAsync(repo.Primary), w => w.Branch == "feature/done");
    }

    [Theory]
    [InlineData("modified")]
    [InlineData("untracked")]
    [InlineData("staged")]
    public async Task Rm_WithChanges_RefusedUnlessForced(string change)
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/busy");
        var file = Path.Combine(folder, change == "modified" ? "README.md" : "new.txt");
        File.WriteAllText(file, "work in progress");
        if (change == "staged")
        {
            repo.Git(folder, "add", "new.txt");
        }

        var refused = await GroveCli.RunAsync(repo.Primary, "rm", "feature/busy");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("uncommitted or untracked changes", refused.StandardError, StringComparison.Ordinal);
        Assert.Contains("--force", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal("work in progress", File.ReadAllText(file));

        await GroveCli.SucceedAsync(repo.Primary, "rm", "feature/busy", "--force");
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Rm_DeleteBranch_DeletesMergedBranch()
    {
        using var repo = TestRepository.Create();
        repo.AddWorktree("feature/merged");

        var output = await GroveCli.SucceedAsync(repo.Primary, "rm", "feature/merged", "--delete-branch");

        Assert.Contains("deleted", output, StringComparison.Ordinal);
        Assert.Empty(repo.Git(repo.Primary, "branch", "--list", "feature/merged"));
    }

    [Fact]
    public async Task Rm_DeleteBranchUnmerged_RefusedBeforeAnythingIsRemoved()
    {
        using var repo = TestRepository.Create();
        var unmerged = repo.AddWorktree("feature/unmerged");
        File.WriteAllText(Path.Combine(unmerged, "x.txt"), "x");
        repo.Git(unmerged, "add", "x.txt");
        repo.Git(unmerged, "commit", "-q", "-m", "unmerged work");

        var refused = await GroveCli.RunAsync(repo.Primary, "rm", "feature/unmerged", "--delete-branch", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not merged", refused.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(unmerged, "x.txt")));
        Assert.NotEmpty(repo.Git(repo.Primary, "branch", "--list", "feature/unmerged"));
    }

    [Fact]
    public async Task Rm_IgnoredFilesBesideBuildOutput_RefusedUnlessForced()
    {
        using var repo = TestRepository.Create();
        File.WriteAllText(Path.Combine(repo.Primary, ".gitignore"), ".env\nbin/\nobj/\n");
        repo.Git(repo.Primary, "add", ".gitignore");
        repo.Git(repo.Primary, "commit", "-q", "-m", "ignore");
        var withEnv = repo.AddWorktree("feature/env");
        File.WriteAllText(Path.Combine(withEnv, ".env"), "SECRET=1");
        var buildOnly = repo.AddWorktree("feature/build");
        Directory.CreateDirectory(Path.Combine(buildOnly, "src", "App", "bin"));
        File.WriteAllText(Path.Combine(buildOnly, "src", "App", "bin", "App.dll"), "x");

        var refused = await GroveCli.RunAsync(repo.Primary, "rm", "feature/env");
        await GroveCli.SucceedAsync(repo.Primary, "rm", "feature/build");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains(".env", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal("SECRET=1", File.ReadAllText(Path.Combine(withEnv, ".env")));
        Assert.False(Directory.Exists(buildOnly));
    }

    [Fact]
    public async Task Rm_NameThatIsOneSlugAndAnotherBranch_RefusedAsAmbiguous()
    {
        using var repo = TestRepository.Create();
        // Folders named so that api/v2 is leased first and takes the plain slug "api-v2".
        var slashed = repo.AddWorktree("api/v2", "a-slashed");
        var dashed = repo.AddWorktree("api-v2", "b-dashed");
        await GroveCli.SucceedAsync(repo.Primary, "ls");

        var refused = await GroveCli.RunAsync(repo.Primary, "rm", "api-v2", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("names 2 worktrees", refused.StandardError, StringComparison.Ordinal);
        Assert.True(Directory.Exists(slashed));
        Assert.True(Directory.Exists(dashed));
        await GroveCli.SucceedAsync(repo.Primary, "rm", dashed);
        Assert.True(Directory.Exists(slashed));
    }

    [Fact]
    public async Task Rm_Primary_Refused()
    {
        using var repo = TestRepository.Create();

        var result = await GroveCli.RunAsync(repo.Primary, "rm", "main", "--force");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("primary", result.StandardError, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(repo.Primary, "README.md")));
    }

    [Fact]
    public async Task Rm_Locked_RefusedUnlessForced()
    {
        using var repo = TestRepository.Create();
        var folder = repo.AddWorktree("feature/locked");
        repo.Git(repo.Primary, "worktree", "lock", "--reason", "agent at work", folder);

        var refused = await GroveCli.RunAsync(repo.Primary, "rm", "feature/locked");
        await GroveCli.SucceedAsync(repo.Primary, "rm", "feature/locked", "--force");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("agent at work", refused.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Rm_Unknown_ListsKnownSlugs()
    {
        using var repo = TestRepository.Create();
        repo.AddWorktree("feature/known");

        var result = await GroveCli.RunAsync(repo.Primary, "rm", "nope");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("feature-known", result.StandardError, StringComparison.Ordinal);
    }
}
