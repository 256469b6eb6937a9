using System.Text.Json.Serialization;

namespace Grove.Cli.Output;

/// <summary>One database Grove made, in <c>grove db ls --json</c>; <c>state</c> is <c>ready</c>, <c>unfinished</c> or <c>orphaned</c> (its worktree is gone).</summary>
internal sealed record OwnedDatabaseJson(string Provider, string Server, string Name, string Kind, string? Worktree, string? Slug, bool Ready, string State, DateTimeOffset CreatedAt);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(List<OwnedDatabaseJson>))]
internal sealed partial class DbJson : JsonSerializerContext;
