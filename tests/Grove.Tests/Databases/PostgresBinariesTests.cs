using Grove.Databases;

namespace Grove.Tests.Databases;

public class PostgresBinariesTests
{
    [Fact]
    public async Task Find_NoPostgreSqlAnywhere_ErrorNamesThePackage()
    {
        using var empty = new TempFolder();

        var error = await Assert.ThrowsAsync<GroveException>(() => PostgresBinaries.FindAsync([empty.Path], empty.Combine("usr-lib-postgresql"), Bounded.Token(Bounded.Process)));

        Assert.Contains("initdb", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", error.Fix, StringComparison.Ordinal);
        Assert.Contains("database.connectionString", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Find_DebianLayoutOffPath_NewestVersionFound()
    {
        using var root = new TempFolder();
        foreach (var version in new[] { "9.6", "15", "13" })
        {
            var bin = root.Combine(version, "bin");
            Directory.CreateDirectory(bin);
            foreach (var program in new[] { "initdb", "pg_ctl", "postgres" })
            {
                await File.WriteAllTextAsync(Path.Combine(bin, program), string.Empty, TestContext.Current.CancellationToken);
            }
        }

        var found = await PostgresBinaries.FindAsync([], root.Path, Bounded.Token(Bounded.Process));

        Assert.Equal(root.Combine("15", "bin"), found);
    }
}
