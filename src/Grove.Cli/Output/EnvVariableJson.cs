using System.Text.Json.Serialization;

namespace Grove.Cli.Output;

/// <summary>One variable of an app's environment, in <c>grove env --json</c>.</summary>
internal sealed record EnvVariableJson(string Name, string Value, bool Secret);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(List<EnvVariableJson>))]
internal sealed partial class EnvJson : JsonSerializerContext;
