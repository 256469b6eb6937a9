using System.Globalization;
using Grove.Processes;

namespace Grove.Databases;

/// <summary>
/// Who runs the PostgreSQL server Grove manages. Normally the user running grove. PostgreSQL
/// refuses to run as root, so when grove runs as root the server runs as the unprivileged
/// <c>postgres</c> account (or <c>nobody</c> where there is none) through <c>setpriv</c>, keeping
/// only the capability to read and search folders (CAP_DAC_READ_SEARCH), so it can reach its
/// data folder inside root's owner-only state folder without that folder being opened to anyone.
/// </summary>
internal sealed record ServerAccount(string? Name, int? Uid, int? Gid)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>The account grove itself runs as: no change needed.</summary>
    public static ServerAccount Current { get; } = new(null, null, null);

    public bool IsSwitched => Uid is not null;

    public static async Task<ServerAccount> DetectAsync(CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows() || await IdAsync(["-u"], cancellationToken).ConfigureAwait(false) != 0)
        {
            return Current;
        }

        if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"))
        {
            throw new GroveException(
                "grove runs as root, PostgreSQL refuses to run as root, and setpriv (to run it as an unprivileged user) is missing",
                "run grove as a normal user, or install util-linux (it provides setpriv), or set database.connectionString to a server of your own");
        }

        foreach (var name in new[] { "postgres", "nobody" })
        {
            var uid = await IdAsync(["-u", name], cancellationToken).ConfigureAwait(false);
            var gid = await IdAsync(["-g", name], cancellationToken).ConfigureAwait(false);
            if (uid is > 0 && gid is not null)
            {
                return new ServerAccount(name, uid, gid);
            }
        }

        throw new GroveException(
            "grove runs as root, PostgreSQL refuses to run as root, and there is no 'postgres' or 'nobody' account to run it as",
            "run grove as a normal user, or create an unprivileged 'postgres' user (installing the postgresql package does)");
    }

    /// <summary><paramref name="spec"/>, run as this account.</summary>
    public ProcessSpec Wrap(ProcessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!IsSwitched)
        {
            return spec;
        }

        string[] switchUser =
        [
            string.Create(CultureInfo.InvariantCulture, $"--reuid={Uid}"),
            string.Create(CultureInfo.InvariantCulture, $"--regid={Gid}"),
            "--clear-groups",
            "--inh-caps=+dac_read_search",
            "--ambient-caps=+dac_read_search",
            "--",
            spec.FileName,
        ];
        return spec with { FileName = "setpriv", Arguments = [.. switchUser, .. spec.Arguments] };
    }

    /// <summary>Makes <paramref name="path"/> (and what it holds) this account's, so the server may write there.</summary>
    public async Task GiveAsync(string path, CancellationToken cancellationToken)
    {
        if (!IsSwitched)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        var owner = string.Create(CultureInfo.InvariantCulture, $"{Uid}:{Gid}");
        var result = await ProcessRunner.RunAsync(new ProcessSpec("chown", ["-R", owner, "--", path]), timeout.Token).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new GroveException($"could not give {path} to the '{Name}' account: {result.StandardError.Trim()}", "run grove as a normal user");
        }
    }

    private static async Task<int?> IdAsync(string[] arguments, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        var result = await ProcessRunner.RunAsync(new ProcessSpec("id", arguments), timeout.Token).ConfigureAwait(false);
        return result.Succeeded && int.TryParse(result.StandardOutput.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }
}
