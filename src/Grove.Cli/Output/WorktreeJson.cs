using System.Text.Json.Serialization;
using Grove.Databases;
using Grove.Worktrees;

namespace Grove.Cli.Output;

/// <summary>One worktree in <c>grove ls --json</c> and <c>grove url --json</c>: a public contract (README).</summary>
internal sealed record WorktreeJson(
    string Slug,
    string? Branch,
    string Path,
    string? Head,
    bool Primary,
    bool Detached,
    int Port,
    string Url,
    string GatewayUrl,
    string State,
    bool Locked,
    string? LockReason,
    bool Prunable,
    string? PrunableReason,
    DatabaseJson? Database)
{
    public static WorktreeJson From(WorktreeSnapshot w, DatabaseBranch? database = null) => new(
        w.Slug, w.Branch, w.Path, w.Head, w.IsPrimary, w.IsDetached, w.Port, w.Url, w.GatewayUrl,
        StateName(w.State), w.IsLocked, w.LockReason, w.IsPrunable, w.PrunableReason,
        database is null ? null : new DatabaseJson(database.ProviderName, database.Name, database.DisplayConnectionString));

    public static string StateName(WorktreeState state)
    {
        var name = state.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }
}

/// <summary>A worktree's database as scripts see it: never a password.</summary>
internal sealed record DatabaseJson(string Provider, string Name, string ConnectionString);

/// <summary>One database Grove made, in <c>grove db ls --json</c>.</summary>
internal sealed record OwnedDatabaseJson(string Provider, string Server, string Name, string Kind, string? Worktree, string? Slug, bool Ready, DateTimeOffset CreatedAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WorktreeJson))]
[JsonSerializable(typeof(List<WorktreeJson>))]
[JsonSerializable(typeof(List<OwnedDatabaseJson>))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
