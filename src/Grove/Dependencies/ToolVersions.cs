using System.Collections.Concurrent;
using Grove.Processes;

namespace Grove.Dependencies;

/// <summary>
/// Asks package managers for their version (<c>npm --version</c>), part of every reuse key.
/// Answers are remembered for a few minutes per program and folder (a folder's global.json or
/// .nvmrc can pick another version), so a busy reconciler does not start npm on every check.
/// </summary>
internal sealed class ToolVersions(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly ConcurrentDictionary<(string Tool, string Folder), (string Version, DateTimeOffset At)> _known = new();

    public async Task<IReadOnlyList<string>> GetAsync(IReadOnlyList<string> tools, string folder, CancellationToken cancellationToken)
    {
        var versions = new List<string>();
        foreach (var tool in tools)
        {
            versions.Add($"{tool} {await GetAsync(tool, folder, cancellationToken).ConfigureAwait(false)}");
        }

        return versions;
    }

    private async Task<string> GetAsync(string tool, string folder, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue((tool, folder), out var known) && now - known.At < Lifetime)
        {
            return known.Version;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Limit);
        ProcessResult result;
        try
        {
            result = await ProcessRunner.RunAsync(new ProcessSpec(tool, ["--version"], folder), timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new GroveException($"'{tool} --version' did not answer within {Limit.TotalSeconds:0} s", $"check that {tool} works: run '{tool} --version' in {folder}");
        }

        if (!result.Succeeded)
        {
            throw new GroveException(
                $"'{tool} --version' failed in {folder} (exit code {result.ExitCode}): {result.StandardError.Trim()}",
                $"check that {tool} works: run '{tool} --version' in {folder}");
        }

        var version = result.StandardOutput.Trim();
        _known[(tool, folder)] = (version, now);
        return version;
    }
}
