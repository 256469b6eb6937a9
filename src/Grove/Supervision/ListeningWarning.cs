namespace Grove.Supervision;

/// <summary>
/// The warning for an app that listens beyond loopback, naming the fix that applies: grove.json's
/// <c>app.env</c> when it sets the address the app binds to something else, otherwise the app's own
/// listen call or host option (a plain Node server ignores <c>HOST</c> unless it passes it).
/// </summary>
internal static class ListeningWarning
{
    private static readonly string[] AddressVariables = ["HOST", "HOSTNAME", "ASPNETCORE_URLS"];

    /// <param name="exposed">The addresses beyond loopback, as <c>address:port</c> (none: no warning).</param>
    /// <param name="appEnv">grove.json's <c>app.env</c> the app was started with.</param>
    public static string? For(IReadOnlyList<string> exposed, IReadOnlyDictionary<string, string>? appEnv)
    {
        ArgumentNullException.ThrowIfNull(exposed);
        if (exposed.Count == 0)
        {
            return null;
        }

        var head = $"listens on {string.Join(", ", exposed)}, reachable from the network: bind it to 127.0.0.1";
        var opened = AddressVariables
            .Where(name => appEnv is not null && appEnv.TryGetValue(name, out var value) && !IsLoopback(name, value))
            .Select(name => $"{name}={appEnv![name]}")
            .ToList();
        return opened.Count > 0
            ? $"{head}: app.env in grove.json sets {string.Join(", ", opened)}; remove it (Grove gives the app 127.0.0.1)"
            : $"{head}, the HOST and HOSTNAME Grove gives the app (and ASPNETCORE_URLS); an app that ignores them must pass it where it listens (plain Node: server.listen(process.env.PORT, process.env.HOST); a dev server: its host option)";
    }

    private static bool IsLoopback(string name, string value)
    {
        if (name == "ASPNETCORE_URLS")
        {
            return value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .All(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && IsLoopbackHost(uri.Host));
        }

        return IsLoopbackHost(value.Trim());
    }

    private static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));
}
