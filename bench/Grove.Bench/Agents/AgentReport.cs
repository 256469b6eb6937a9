using System.Text.Json.Serialization;

namespace Grove.Bench.Agents;

/// <summary>What one simulated agent saw: its worktree, when each step ended (monotonic milliseconds), and any problem.</summary>
internal sealed class AgentReport
{
    public string Branch { get; set; } = string.Empty;

    public string? Slug { get; set; }

    public int Port { get; set; }

    public string? Database { get; set; }

    public long Go { get; set; }

    public long Created { get; set; }

    public long Healthy { get; set; }

    public long Validated { get; set; }

    public long Removed { get; set; }

    public List<string> Problems { get; set; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AgentReport))]
internal sealed partial class AgentJson : JsonSerializerContext;
