using Grove.Configuration;
using Grove.Hosting;

namespace Grove.Supervision;

/// <summary>How a runner waits while its app does not run: for a command, changed step inputs, or a changed grove.json.</summary>
internal sealed partial class WorktreeRunner
{
    /// <summary>Waits for a command, or (when <paramref name="inputs"/> is known) for the step inputs to change: null then.</summary>
    private async Task<WorktreeCommand?> WaitForCommandOrNewInputsAsync(string? inputs, CancellationToken cancellationToken)
    {
        if (inputs is null)
        {
            return await WaitForCommandOrNewConfigAsync(cancellationToken).ConfigureAwait(false);
        }

        GroveConfig config;
        var configSeen = ConfigStamp();
        while (true)
        {
            if (await WaitForCommandAsync(InputsCheckInterval, cancellationToken).ConfigureAwait(false) is { } command)
            {
                return command;
            }

            if (ConfigStamp() != configSeen)
            {
                return null; // grove.json changed (fixed, say): try again with it
            }

            try
            {
                config = GroveConfigLoader.LoadFromWorktree(Worktree.Path);
            }
            catch (ConfigException)
            {
                continue;
            }

            if (await InputsAsync(config, cancellationToken).ConfigureAwait(false) != inputs)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Waits for a command, or (null) for the worktree's grove.json to change: a worktree seen
    /// before git finished writing its files, or a config fixed by hand, is tried again by itself.
    /// </summary>
    private async Task<WorktreeCommand?> WaitForCommandOrNewConfigAsync(CancellationToken cancellationToken)
    {
        var seen = ConfigStamp();
        while (true)
        {
            if (await WaitForCommandAsync(InputsCheckInterval, cancellationToken).ConfigureAwait(false) is { } command)
            {
                return command;
            }

            if (ConfigStamp() != seen)
            {
                return null;
            }
        }
    }

    private (bool Exists, DateTime Written, long Length) ConfigStamp()
    {
        var file = new FileInfo(Path.Combine(Worktree.Path, GroveConfig.FileName));
        return file.Exists ? (true, file.LastWriteTimeUtc, file.Length) : (false, default, 0);
    }

    private async Task<WorktreeCommand?> WaitForCommandAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(delay);
        try
        {
            return await _commands.Reader.ReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
