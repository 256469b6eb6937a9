using System.Data.Common;
using Grove.Configuration;
using Grove.EnvFiles;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>One variable of an app's environment; <see cref="Secret"/> values are printed only by <c>grove env</c>.</summary>
internal sealed record AppVariable(string Name, string Value, bool Secret)
{
    public override string ToString() => Secret ? $"{Name}=(secret)" : $"{Name}={Value}";
}

/// <summary>
/// The one place an app's environment is put together, for the supervisor that starts it and for
/// <c>grove env</c> that prints it. Lowest precedence first: the primary worktree's env files
/// (<c>app.envFiles</c>, secrets), <c>HOST</c> and <c>HOSTNAME</c> (127.0.0.1), grove.json's <c>app.env</c>, the front end's variables (an
/// AppHost's telemetry endpoint), the steps' (the database connection: a secret when it holds a
/// password), then Grove's own (<c>PORT</c>, <c>GROVE_*</c>…); <c>OTEL_SERVICE_NAME</c> is the
/// slug unless set.
/// </summary>
internal static class AppEnvironment
{
    private static readonly string[] SecretNameParts = ["PASSWORD", "SECRET", "TOKEN", "KEY", "HEADERS"];
    private static readonly string[] LoopbackHostVariables = ["HOST", "HOSTNAME"];
    private const string Loopback = "127.0.0.1";

    /// <param name="app">Null: no app configured (only Grove's own and the steps' variables).</param>
    /// <exception cref="GroveException">An env file is missing (when listed) or not valid dotenv.</exception>
    public static IReadOnlyList<AppVariable> For(
        WorktreeSnapshot worktree,
        AppConfig? app,
        string? primaryPath,
        IReadOnlyDictionary<string, string>? frontEnd,
        IEnumerable<KeyValuePair<string, string>> fromSteps)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        ArgumentNullException.ThrowIfNull(fromSteps);
        var variables = new List<AppVariable>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        void Set(string name, string value, bool secret)
        {
            if (positions.TryGetValue(name, out var at))
            {
                variables[at] = new AppVariable(name, value, secret);
            }
            else
            {
                positions[name] = variables.Count;
                variables.Add(new AppVariable(name, value, secret));
            }
        }

        foreach (var (name, value) in app is null ? [] : EnvFileLoader.Load(app, primaryPath))
        {
            Set(name, value, secret: true);
        }

        // Dev servers that read HOST or HOSTNAME (Node, Next.js, Vite…) listen on loopback only, as
        // ASPNETCORE_URLS makes ASP.NET Core do. Over an env file's value (often a production
        // 0.0.0.0); under app.env, which may open the app on purpose (then 'grove ls' warns).
        foreach (var name in LoopbackHostVariables)
        {
            Set(name, Loopback, secret: false);
        }

        foreach (var (name, value) in app?.Env ?? new Dictionary<string, string>())
        {
            Set(name, value, secret: false);
        }

        foreach (var (name, value) in frontEnd ?? new Dictionary<string, string>())
        {
            Set(name, value, SecretNameParts.Any(part => name.Contains(part, StringComparison.OrdinalIgnoreCase)));
        }

        foreach (var (name, value) in fromSteps)
        {
            Set(name, value, HoldsPassword(value));
        }

        foreach (var (name, value) in WorktreeEnvironment.For(worktree))
        {
            Set(name, value, secret: false);
        }

        if (!positions.ContainsKey("OTEL_SERVICE_NAME"))
        {
            Set("OTEL_SERVICE_NAME", worktree.Slug, secret: false);
        }

        return variables;
    }

    /// <summary>The variables as a child process takes them.</summary>
    public static Dictionary<string, string?> ForProcess(IReadOnlyList<AppVariable> variables) =>
        variables.ToDictionary(v => v.Name, v => (string?)v.Value, StringComparer.Ordinal);

    /// <summary>Whether a connection string or URL carries a password (<c>Password=…</c>, <c>postgres://user:pw@…</c>).</summary>
    internal static bool HoldsPassword(string value)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            return uri.UserInfo.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 && colon < uri.UserInfo.Length - 1;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = value };
            return (builder.TryGetValue("password", out var password) || builder.TryGetValue("pwd", out password))
                && password is string { Length: > 0 };
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
