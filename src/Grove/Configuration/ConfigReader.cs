using System.Text.Json;

namespace Grove.Configuration;

/// <summary>Reads typed values out of a JSON tree, collecting every error with the key that holds it.</summary>
internal sealed class ConfigReader
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors => _errors;

    public void Error(string key, string message) => _errors.Add($"{key}: {message}");

    /// <summary>The properties of an object, reporting any name outside <paramref name="known"/>.</summary>
    public Dictionary<string, JsonElement>? Object(JsonElement element, string key, params string[] known)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(key, $"must be an object, not {Describe(element)}");
            return null;
        }

        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            var path = key.Length == 0 ? property.Name : $"{key}.{property.Name}";
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                Error(path, $"unknown key (known keys here: {string.Join(", ", known)})");
            }
            else if (!properties.TryAdd(property.Name, property.Value))
            {
                Error(path, "appears more than once");
            }
        }

        return properties;
    }

    public string? String(Dictionary<string, JsonElement> properties, string key, string path, bool required = false)
    {
        if (!properties.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                Error(path, "is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(path, $"must be a string, not {Describe(value)}");
            return null;
        }

        var text = value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(text))
        {
            Error(path, "must not be empty");
            return null;
        }

        return text;
    }

    public int? Integer(Dictionary<string, JsonElement> properties, string key, string path, int min, int max)
    {
        if (!properties.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Error(path, $"must be a whole number from {min} to {max}, not {Describe(value)}");
            return null;
        }

        if (number < min || number > max)
        {
            Error(path, $"must be from {min} to {max}, not {number}");
            return null;
        }

        return number;
    }

    public IReadOnlyList<string> Strings(Dictionary<string, JsonElement> properties, string key, string path)
    {
        if (!properties.TryGetValue(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be an array of strings, not {Describe(value)}");
            return [];
        }

        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                items.Add(item.GetString()!);
            }
            else
            {
                Error($"{path}[{index}]", $"must be a string, not {Describe(item)}");
            }

            index++;
        }

        return items;
    }

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
        _ => "null",
    };
}
