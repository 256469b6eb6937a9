using Grove.Dependencies;

namespace Grove.Tests.Dependencies;

public class TreeCopierTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Copy_TreeWithLinks_SameShapeRelativeLinksKeptModesKept()
    {
        using var folder = new TempFolder();
        var source = MakeTree(folder.Combine("source"));
        var entries = TreeWalker.Walk(source).ToList();

        var copier = new TreeCopier(allowHardlinks: false);
        copier.Copy(source, folder.Combine("target"), entries, checkSource: true, Ct);

        var copied = TreeWalker.Walk(folder.Combine("target")).ToList();
        Assert.Equal(entries.Select(e => (e.Path, e.Kind, e.Size, e.LinkTarget)), copied.Select(e => (e.Path, e.Kind, e.Size, e.LinkTarget)));
        Assert.NotEqual(CopyMethod.Hardlink, copier.Method);
        Assert.Equal("../pkg/bin.js", new FileInfo(folder.Combine("target", ".bin", "tool")).LinkTarget);
        Assert.True((File.GetUnixFileMode(folder.Combine("target", "pkg", "bin.js")) & UnixFileMode.UserExecute) != 0);
        File.AppendAllText(folder.Combine("target", "pkg", "index.js"), "changed");
        Assert.Equal("module.exports = 1;", File.ReadAllText(Path.Combine(source, "pkg", "index.js")));
    }

    [Fact]
    public void Copy_HardlinksAllowedOnOneFileSystem_LinksOrClones()
    {
        using var folder = new TempFolder();
        var source = MakeTree(folder.Combine("source"));
        var copier = new TreeCopier(allowHardlinks: true);

        copier.Copy(source, folder.Combine("target"), [.. TreeWalker.Walk(source)], checkSource: true, Ct);

        Assert.NotEqual(CopyMethod.Copy, copier.Method);
        var linked = copier.Method == CopyMethod.Hardlink;
        Assert.Equal(linked, Inode(Path.Combine(source, "pkg", "index.js")) == Inode(folder.Combine("target", "pkg", "index.js")));
    }

    [Fact]
    public void Copy_SourceChangedSinceRecorded_Throws()
    {
        using var folder = new TempFolder();
        var source = MakeTree(folder.Combine("source"));
        var entries = TreeWalker.Walk(source).ToList();
        File.AppendAllText(Path.Combine(source, "pkg", "index.js"), "// edited");

        Assert.Throws<TreeChangedException>(() => new TreeCopier(true).Copy(source, folder.Combine("target"), entries, checkSource: true, Ct));
    }

    [Fact]
    public void Entry_LineRoundTrips_AndDamagedLineIsNull()
    {
        var entry = new TreeEntry("a b/c", TreeEntry.Link, 0, 0, "../x y");

        Assert.Equal(entry, TreeEntry.Parse(entry.ToLine()));
        Assert.Null(TreeEntry.Parse("f\tnot-a-number\t0\tx\t"));
    }

    private static string MakeTree(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "pkg", "lib"));
        Directory.CreateDirectory(Path.Combine(root, ".bin"));
        File.WriteAllText(Path.Combine(root, "pkg", "index.js"), "module.exports = 1;");
        File.WriteAllText(Path.Combine(root, "pkg", "lib", "empty.js"), string.Empty);
        File.WriteAllText(Path.Combine(root, "pkg", "bin.js"), "#!/usr/bin/env node\n");
        File.SetUnixFileMode(Path.Combine(root, "pkg", "bin.js"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.CreateSymbolicLink(Path.Combine(root, ".bin", "tool"), "../pkg/bin.js");
        Directory.CreateSymbolicLink(Path.Combine(root, "alias"), "pkg");
        return root;
    }

    private static string Inode(string path)
    {
        var result = Grove.Processes.ProcessRunner.RunAsync(new Grove.Processes.ProcessSpec("stat", ["-c", "%i", path]), Bounded.Token(Bounded.Process)).GetAwaiter().GetResult();
        return result.StandardOutput.Trim();
    }
}
