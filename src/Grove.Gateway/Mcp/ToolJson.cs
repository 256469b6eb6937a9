using System.Text.Json;
using System.Text.Json.Serialization;
using Grove.Contracts;
using ModelContextProtocol.Protocol;

namespace Grove.Gateway.Mcp;

/// <summary>What <c>list_worktrees</c> answers: the fields of <c>grove ls --json</c>, one object per worktree.</summary>
internal sealed record WorktreeList(IReadOnlyList<WorktreeJson> Worktrees);

/// <summary>What a command tool answers: what was done, and the worktree as it is afterwards.</summary>
internal sealed record CommandAnswer(string Outcome, string Message, WorktreeJson? Worktree);

/// <summary>What <c>get_logs</c> answers: the worktree's log lines, oldest first.</summary>
internal sealed record LogAnswer(string Worktree, IReadOnlyList<LogLineJson> Lines);

/// <summary>One log line: when, from where (<c>stdout</c>, <c>stderr</c> or <c>grove</c>), and its text.</summary>
internal sealed record LogLineJson(DateTimeOffset Time, string Source, string Text);

/// <summary>
/// A tool's error: what went wrong, what to do about it, and (when an app did not come up) the
/// worktree's state, reason and last log lines; those three only where they apply.
/// </summary>
internal sealed record ToolError(
    string Error,
    string? Fix,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? State = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? LastLogLines = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WorktreeJson))]
[JsonSerializable(typeof(WorktreeList))]
[JsonSerializable(typeof(CommandAnswer))]
[JsonSerializable(typeof(LogAnswer))]
[JsonSerializable(typeof(ToolError))]
[JsonSerializable(typeof(string))]
internal sealed partial class ToolJson : JsonSerializerContext
{
    /// <summary>Messages keep their quotes readable (<c>'grove up'</c>, not <c>\u0027grove up\u0027</c>): the JSON is read by agents, never put in a page.</summary>
    public static ToolJson Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    /// <summary>A successful result: the JSON as text (what every client reads) and as structured content.</summary>
    public static CallToolResult Ok<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => Result(JsonSerializer.SerializeToElement(value, type), isError: false);

    /// <summary>An MCP tool error (<c>isError</c>): the client's model reads the message and the fix.</summary>
    public static CallToolResult Error(ToolError error) => Result(JsonSerializer.SerializeToElement(error, Readable.ToolError), isError: true);

    /// <inheritdoc cref="Error(ToolError)"/>
    public static CallToolResult Error(string message, string? fix) => Error(new ToolError(message, fix));

    private static CallToolResult Result(JsonElement json, bool isError) => new()
    {
        Content = [new TextContentBlock { Text = json.GetRawText() }],
        StructuredContent = json,
        IsError = isError,
    };
}
