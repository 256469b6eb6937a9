namespace Grove.Databases;

/// <summary>
/// How PostgreSQL 15+ copies a template, chosen by measurement (<c>bench/run db</c>, see README):
/// WAL_LOG copies block by block through the WAL, FILE_COPY copies files after a checkpoint.
/// </summary>
public static class ClonePlan
{
    public const string Strategy = "WAL_LOG";
}
