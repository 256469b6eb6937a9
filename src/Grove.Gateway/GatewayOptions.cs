namespace Grove.Gateway;

/// <summary>How the gateway listens and forwards.</summary>
public sealed record GatewayOptions
{
    /// <summary>The loopback port (0: any free port, for tests).</summary>
    public int Port { get; init; } = Configuration.GroveConfig.DefaultGatewayPort;

    /// <summary>Extra host names (besides localhost, 127.0.0.1 and [::1]) that reach the gateway's own pages.</summary>
    public IReadOnlyList<string> ExtraHostNames { get; init; } = [];

    /// <summary>Where the gateway's own messages (Kestrel, YARP) go; null: nowhere.</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>How long a backend may stay silent before the gateway answers 504.</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromSeconds(100);
}
