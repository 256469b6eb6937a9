namespace Grove.Databases;

/// <summary>Initialises the bundled SQLite library once per process.</summary>
internal static class SqliteSupport
{
    private static readonly Lazy<bool> Ready = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    public static void Init() => _ = Ready.Value;
}
