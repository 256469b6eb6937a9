using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace Grove.Dashboard;

/// <summary>
/// The OpenTelemetry variables that send a worktree app's traces, logs and metrics to the
/// dashboard under its row's name, as Aspire gives its own projects: the dashboard's OTLP
/// endpoint (gRPC preferred, else OTLP/HTTP), the API key header when the dashboard asks for
/// one, the service name and instance, and short export intervals.
/// </summary>
internal sealed class AppTelemetry
{
    private const string DashboardResourceName = "aspire-dashboard";
    private readonly DistributedApplicationModel _model;
    private readonly IConfiguration _configuration;

    public AppTelemetry(DistributedApplicationModel model, IConfiguration configuration)
    {
        _model = model;
        _configuration = configuration;
    }

    /// <summary>The variables for the app of the row named <paramref name="resourceName"/>; empty when there is no dashboard to send to.</summary>
    public IReadOnlyDictionary<string, string> For(string resourceName)
    {
        if (Endpoint() is not var (endpoint, protocol))
        {
            return new Dictionary<string, string>();
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_SERVICE_NAME"] = resourceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={resourceName}",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_TRACES_SAMPLER"] = "always_on",
        };
        if (_configuration["AppHost:OtlpApiKey"] is { Length: > 0 } apiKey)
        {
            variables["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={apiKey}";
        }

        return variables;
    }

    /// <summary>The dashboard's allocated OTLP endpoint, else the configured one; null without a dashboard.</summary>
    private (string Url, string Protocol)? Endpoint()
    {
        if (_model.Resources.FirstOrDefault(r => r.Name == DashboardResourceName) is IResourceWithEndpoints dashboard)
        {
            foreach (var (name, protocol) in new[] { ("otlp-grpc", "grpc"), ("otlp-http", "http/protobuf") })
            {
                var endpoint = dashboard.GetEndpoint(name);
                if (endpoint.Exists && endpoint.IsAllocated)
                {
                    return (endpoint.Url, protocol);
                }
            }
        }

        var grpc = _configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] ?? _configuration["DOTNET_DASHBOARD_OTLP_ENDPOINT_URL"];
        var http = _configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] ?? _configuration["DOTNET_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"];
        return grpc is { Length: > 0 } ? (grpc, "grpc")
            : http is { Length: > 0 } ? (http, "http/protobuf")
            : null;
    }
}
