using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Grove.Gateway.Mcp;

/// <summary>
/// Checks a call's arguments against its tool's input schema before the tool runs: an argument
/// the tool does not have (a misspelt name), one it needs that is missing, or one of the wrong
/// JSON type is a tool error naming the argument and what the tool takes, where the SDK would
/// only say "An error occurred invoking" the tool.
/// </summary>
internal static class ArgumentCheck
{
    /// <summary>The error for the call's arguments, or null when they fit the schema.</summary>
    public static CallToolResult? Check(Tool tool, IDictionary<string, JsonElement>? arguments)
    {
        var schema = tool.InputSchema;
        var properties = schema.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object ? p : default;
        var known = properties.ValueKind == JsonValueKind.Object ? properties.EnumerateObject().Select(o => o.Name).ToList() : [];
        var takes = known.Count == 0 ? $"{tool.Name} takes no arguments" : $"{tool.Name} takes: {string.Join(", ", known.Select(k => Described(properties, k, Required(schema).Contains(k))))}";
        arguments ??= new Dictionary<string, JsonElement>();

        if (arguments.Keys.FirstOrDefault(a => !known.Contains(a, StringComparer.Ordinal)) is { } unknown)
        {
            return ToolJson.Error($"{tool.Name} has no argument '{unknown}'", takes);
        }

        if (Required(schema).FirstOrDefault(r => !arguments.ContainsKey(r)) is { } missing)
        {
            return ToolJson.Error($"{tool.Name} needs the argument '{missing}'", takes);
        }

        foreach (var (name, value) in arguments)
        {
            var types = Types(properties.GetProperty(name));
            if (types.Count > 0 && !types.Any(t => Fits(t, value)))
            {
                return ToolJson.Error($"{tool.Name}: '{name}' must be {string.Join(" or ", types)}, not {Kind(value)} {value.GetRawText()}", takes);
            }
        }

        return null;
    }

    private static List<string> Required(JsonElement schema) =>
        schema.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array ? [.. r.EnumerateArray().Select(e => e.GetString()!)] : [];

    private static List<string> Types(JsonElement property) => property.TryGetProperty("type", out var t)
        ? t.ValueKind == JsonValueKind.Array ? [.. t.EnumerateArray().Select(e => e.GetString()!)] : [t.GetString()!]
        : [];

    private static string Described(JsonElement properties, string name, bool required)
    {
        var types = Types(properties.GetProperty(name)).Where(t => t != "null");
        return $"{name} ({string.Join(" or ", types)}{(required ? ", required" : string.Empty)})";
    }

    private static bool Fits(string type, JsonElement value) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => true,
    };

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "the string",
        JsonValueKind.Number => "the number",
        JsonValueKind.True or JsonValueKind.False => "the boolean",
        JsonValueKind.Null => "null:",
        JsonValueKind.Array => "the array",
        _ => "the object",
    };
}
