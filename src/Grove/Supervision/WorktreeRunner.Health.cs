using System.Globalization;
using Grove.Configuration;
using Grove.Hosting;
using Grove.Ports;
using Grove.Processes;
using Grove.Worktrees;

namespace Grove.Supervision;

/// <summary>A running app's supervision: its exit, commands, followed inputs and grove.json, health checks, and the listening warning.</summary>
internal sealed partial class WorktreeRunner
{
    private async Task<RunOutcome> SuperviseAsync(ChildProcess child, GroveConfig config, string? configText, string inputs, CancellationToken cancellationToken)
    {
        var configSeen = configText;
        var healthPath = config.App!.HealthPath;
        var started = _time.GetUtcNow();
        var inputsCheckedAt = started;
        var healthyFrom = (DateTimeOffset?)null;
        var failures = 0;
        var health = new Uri($"{Worktree.Url}{healthPath}");
        var healthDue = started;
        while (true)
        {
            // While starting, health is asked every 50 ms; once running, every HealthInterval, and
            // HealthRetryInterval after a failed check. Commands and the process exit wake it at once.
            var untilHealth = healthDue - _time.GetUtcNow();
            var interval = healthyFrom is null ? StartingPoll
                : untilHealth < TimeSpan.Zero ? TimeSpan.Zero
                : untilHealth < InputsCheckInterval ? untilHealth : InputsCheckInterval;
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var waitCommand = _commands.Reader.WaitToReadAsync(tick.Token).AsTask();
            var delay = Task.Delay(interval, _time, tick.Token);
            var first = await Task.WhenAny(child.Exited, waitCommand, delay).ConfigureAwait(false);
            await tick.CancelAsync().ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                return new RunOutcome.Stopping();
            }

            if (first == child.Exited)
            {
                var code = await child.Exited.ConfigureAwait(false);
                Log.Write("grove", string.Create(CultureInfo.InvariantCulture, $"the app exited with code {code}"));
                var stable = healthyFrom is not null && _time.GetUtcNow() - healthyFrom >= _options.StableAfter;
                return new RunOutcome.Crashed(code, stable);
            }

            if (_commands.Reader.TryRead(out var command))
            {
                if (command == WorktreeCommand.Start)
                {
                    Log.Write("grove", "start requested, but the app already runs");
                    continue;
                }

                return new RunOutcome.Command(command);
            }

            if (_time.GetUtcNow() - inputsCheckedAt >= InputsCheckInterval)
            {
                inputsCheckedAt = _time.GetUtcNow();
                if (ConfigChanged(configText, ref configSeen))
                {
                    Set(WorktreeState.Stopping, $"{GroveConfig.FileName} changed", child.Identity);
                    return new RunOutcome.ConfigChanged();
                }

                if (await InputsAsync(config, cancellationToken).ConfigureAwait(false) != inputs)
                {
                    Set(WorktreeState.Stopping, "install inputs changed", child.Identity);
                    return new RunOutcome.InputsChanged();
                }
            }

            if (_time.GetUtcNow() < healthDue)
            {
                continue;
            }

            var healthy = await HealthProbe.IsHealthyAsync(_http, health, cancellationToken).ConfigureAwait(false);
            healthDue = _time.GetUtcNow() + (healthyFrom is null && !healthy ? StartingPoll : healthy ? _options.HealthInterval : _options.HealthRetryInterval);
            if (healthy)
            {
                failures = 0;
                healthyFrom ??= _time.GetUtcNow();
                _skippedUnproven.Clear(); // what the skipped steps made evidently works
                var warning = ExposureWarning(config.App.Env);
                lock (_gate)
                {
                    _warning = warning;

                    // A restart or stop posted meanwhile keeps its Stopping state.
                    if ((Status.State != WorktreeState.Running || Status.Warning != warning) && !_commands.Reader.TryPeek(out _))
                    {
                        Set(WorktreeState.Running, null, child.Identity);
                    }
                }
            }
            else if (healthyFrom is not null && ++failures >= _options.UnhealthyAfter && Status.State == WorktreeState.Running)
            {
                Set(WorktreeState.Unhealthy, $"{failures} health checks of {healthPath} failed in a row", child.Identity);
            }
            else if (healthyFrom is null && _time.GetUtcNow() - started > _options.StartTimeout && Status.State == WorktreeState.Starting)
            {
                Set(WorktreeState.Unhealthy, $"no healthy answer from {healthPath} within {_options.StartTimeout.TotalSeconds:0} s of starting", child.Identity);
            }
        }
    }

    /// <summary>
    /// The warning for an app that listens beyond loopback (checked with each successful health
    /// check: a read of the kernel's socket tables), logged when it appears; null when it is bound
    /// to loopback only (or on a system where this cannot be seen).
    /// </summary>
    private string? ExposureWarning(IReadOnlyDictionary<string, string>? appEnv)
    {
        var warning = ListeningWarning.For(ListeningAddresses.BeyondLoopback(Worktree.Port), appEnv);
        if (warning is not null && warning != _warning)
        {
            Log.Write("grove", $"warning: the app {warning}");
        }

        return warning;
    }
}
