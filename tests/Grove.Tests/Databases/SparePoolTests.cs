using Grove.Databases;

namespace Grove.Tests.Databases;

/// <summary>The spare pool's bookkeeping, from state-store records alone (the server side is in PostgresSpareTests).</summary>
public class SparePoolTests
{
    private static readonly OwnedDatabase Template = Record("app__template", OwnedKind.Template, "app__template", 100, "seed1");

    [Fact]
    public void Tag_SameSeedRebuiltTemplate_Differs() =>
        Assert.NotEqual(SparePool.Tag(Template), SparePool.Tag(Template with { Oid = 200 }));

    [Fact]
    public void NeedsWork_ConfiguredNumberOfCurrentSpares_False()
    {
        OwnedDatabase[] records = [Template, Spare("app__spare_a", SparePool.Tag(Template)), Record("app_main", OwnedKind.Branch, "app_main", 5, null)];

        Assert.False(SparePool.NeedsWork(records, "app", 1));
        Assert.True(SparePool.NeedsWork(records, "app", 2));
        Assert.True(SparePool.NeedsWork(records, "app", 0));
    }

    [Fact]
    public void NeedsWork_StaleUnfinishedOrMissingTemplate_True()
    {
        var stale = Spare("app__spare_a", SparePool.Tag(Template with { Oid = 99 }));
        var unfinished = Record("app__new_x", OwnedKind.Spare, "app__spare_b", null, SparePool.Tag(Template)) with { Ready = false };

        Assert.True(SparePool.NeedsWork([Template, stale], "app", 1));
        Assert.True(SparePool.NeedsWork([Template, unfinished], "app", 1));
        Assert.True(SparePool.NeedsWork([Spare("app__spare_a", SparePool.Tag(Template))], "app", 1));
        Assert.False(SparePool.NeedsWork([], "app", 0));
    }

    [Fact]
    public void NeedsWork_SparesOfAnotherDatabaseName_NotCounted() =>
        Assert.True(SparePool.NeedsWork([Template, Spare("other__spare_a", SparePool.Tag(Template))], "app", 1));

    [Fact]
    public void Guards_NullOrBadArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new SparePool(null!, TimeProvider.System));
        Assert.Throws<ArgumentNullException>(() => SparePool.Tag(null!));
        Assert.Throws<ArgumentNullException>(() => SparePool.NeedsWork(null!, "app", 1));
        Assert.Throws<ArgumentException>(() => SparePool.NeedsWork([], "", 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SparePool.NeedsWork([], "app", -1));
        Assert.Throws<ArgumentException>(() => DatabaseNames.Spare(""));
    }

    [Fact]
    public void SpareName_LongestDatabaseName_FitsPostgresAndNeverABranchName()
    {
        var name = new string('n', 40);

        var spare = DatabaseNames.Spare(name);

        Assert.InRange(spare.Length, 1, DatabaseNames.MaxLength);
        Assert.StartsWith(DatabaseNames.SparePrefix(name), spare, StringComparison.Ordinal);
        Assert.NotEqual(DatabaseNames.Spare(name), spare);
        Assert.Contains("__", spare, StringComparison.Ordinal); // no slug makes a double underscore
    }

    private static OwnedDatabase Spare(string name, string tag) => Record(name, OwnedKind.Spare, name, 7, tag);

    private static OwnedDatabase Record(string name, OwnedKind kind, string final, long? oid, string? seedHash) =>
        new("postgres", "local", name, kind, final, oid, null, null, seedHash, true, DateTimeOffset.UnixEpoch);
}
