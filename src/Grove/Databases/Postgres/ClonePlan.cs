namespace Grove.Databases;

/// <summary>
/// How PostgreSQL 15+ copies a template, chosen by measurement (<c>bench/run db</c>, README):
/// WAL_LOG copies block by block through the WAL and needs no checkpoint, and was as fast or
/// faster for small and medium templates; FILE_COPY copies files after a checkpoint and was faster
/// for ~1 GB templates in most runs. Its checkpoint also flushes what other branches' apps wrote,
/// so it is used only where the copy itself dominates.
/// </summary>
internal static class ClonePlan
{
    public const long FileCopyFrom = 512L * 1024 * 1024;

    public static string For(long templateBytes) => templateBytes >= FileCopyFrom ? "FILE_COPY" : "WAL_LOG";
}
