using Grove.Configuration;

namespace Grove.Databases;

/// <summary>
/// <c>grove up</c>'s background care of the template and the spares. Each round it first rebuilds
/// the template when its seed changed since it was built (a new file under
/// <c>database.seedInputs</c>: any provider), then, after every <see cref="Request"/> (each
/// worktree's database step) and every <see cref="Period"/> (another grove process may have
/// claimed one), when the state store says the spares need work (by the repository's settings,
/// the primary's grove.json, as the CLI reads them), it refills them through
/// <see cref="DatabaseManager.RefillSparesAsync"/>, one spare per hold of the database lock, so a
/// worktree's database step waits at most for one copy. Failures go to the log (once per
/// message) and are retried on the next round; nothing here stops an app.
/// </summary>
internal sealed class SpareKeeper : IAsyncDisposable
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private readonly DatabaseManager _databases;
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private Target? _target;
    private string? _lastError;
    private string? _failedSeed; // the seed hash whose template rebuild failed

    public SpareKeeper(DatabaseManager databases)
    {
        _databases = databases;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Refill soon, for <paramref name="config"/>, reporting to <paramref name="log"/>.</summary>
    public void Request(DatabaseConfig config, Action<string> log)
    {
        Volatile.Write(ref _target, new Target(config, log));
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // A round is already asked for.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _signal.Dispose();
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(Period, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (Volatile.Read(ref _target) is not { } target)
            {
                continue;
            }

            var (requested, log) = target;
            var config = _databases.RepositorySettings(requested); // read again each round: an edit to the primary's spares counts
            try
            {
                // A rebuild that failed is tried again only once the seed changes again (or a branch needs the template).
                if (await _databases.NewSeedHashAsync(config, _stop.Token).ConfigureAwait(false) is { } seed && seed != _failedSeed)
                {
                    Write(log, $"{TemplateSeedWarning.Text}: rebuilding it now (worktrees keep their databases; new ones get the new template)");
                    _failedSeed = seed;
                    try
                    {
                        await _databases.EnsureTemplateAsync(config, rebuild: false, new Progress(log), _stop.Token).ConfigureAwait(false);
                    }
                    catch (GroveException ex)
                    {
                        // Said as what it is (not as a spare that was not prepared), and to the front end too.
                        var fix = ex.Fix ?? "fix the seed, then run 'grove db template'";
                        Write(log, $"the database template could not be rebuilt from its changed seed: {ex.Message}\n  fix: {fix}");
                        _databases.TemplateRebuildFailed?.Invoke(ex.Message, fix);
                        _lastError = null;
                        continue; // tried again once the seed changes again (or a branch needs the template)
                    }

                    _failedSeed = null;
                }

                if (_databases.SparesNeedWork(config))
                {
                    await _databases.RefillSparesAsync(config, new Progress(log), _stop.Token).ConfigureAwait(false);
                }

                _lastError = null;
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Kept going: a branch is then cloned directly, as without spares.
                var message = $"no spare branch was prepared: {ex.Message}";
                if (message != _lastError)
                {
                    _lastError = message;
                    Write(log, message);
                }
            }
        }
    }

    private static void Write(Action<string> log, string message)
    {
        try
        {
            log(message);
        }
        catch (ObjectDisposedException)
        {
            // The worktree whose log this was has gone.
        }
    }

    private sealed record Target(DatabaseConfig Config, Action<string> Log);

    /// <summary>Reports synchronously, in order, to the log.</summary>
    private sealed class Progress(Action<string> log) : IProgress<string>
    {
        public void Report(string value) => Write(log, value);
    }
}
