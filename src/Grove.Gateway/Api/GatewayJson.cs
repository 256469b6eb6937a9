using System.Text.Json.Serialization;

namespace Grove.Gateway.Api;

/// <summary>An API answer that is only a message (and maybe how to fix what it reports).</summary>
internal sealed record Message(string Text, string? Fix = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Message))]
internal sealed partial class GatewayJson : JsonSerializerContext;
