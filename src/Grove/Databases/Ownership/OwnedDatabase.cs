namespace Grove.Databases;

/// <summary>
/// A database Grove created, as recorded in the state store. Only recorded databases are ever
/// reset or dropped; for PostgreSQL the recorded <see cref="Oid"/> must match too, so a database
/// someone else made under the same name is never mistaken for Grove's.
/// </summary>
/// <param name="Server">Where it lives: <c>local</c> (Grove's own server), <c>host:port</c>, or <c>sqlite</c>.</param>
/// <param name="Name">Its name now: a temporary name while it is being made, then <see cref="FinalName"/>.</param>
/// <param name="SeedHash">A template's seed hash; a spare's tag: the seed hash and OID of the template it was cloned from (<see cref="SparePool.Tag"/>).</param>
/// <param name="Ready">False while it is being made: a crash leaves such a row, and the next run removes what it names.</param>
internal sealed record OwnedDatabase(
    string Provider,
    string Server,
    string Name,
    OwnedKind Kind,
    string FinalName,
    long? Oid,
    string? Worktree,
    string? Slug,
    string? SeedHash,
    bool Ready,
    DateTimeOffset CreatedAt);

internal enum OwnedKind
{
    Template,
    Branch,

    /// <summary>A ready-made branch of the template that no worktree has claimed yet (PostgreSQL, <c>database.spares</c>).</summary>
    Spare,
}

/// <summary>How a kind is written in the state store and in <c>grove db ls</c>.</summary>
internal static class OwnedKindNames
{
    public static string Of(OwnedKind kind) => kind switch
    {
        OwnedKind.Template => "template",
        OwnedKind.Spare => "spare",
        _ => "branch",
    };

    public static OwnedKind Parse(string text) => text switch
    {
        "template" => OwnedKind.Template,
        "spare" => OwnedKind.Spare,
        _ => OwnedKind.Branch,
    };
}
