namespace Grove.Cli.Output;

/// <summary>
/// The steps of a long command on standard error (standard output stays for results), each with
/// the seconds since the command began; while one step lasts, a line every
/// <see cref="Heartbeat"/> says the command still works and what its last step was, so a slow
/// template build or seed command never looks hung.
/// </summary>
internal sealed class ElapsedProgress : IProgress<string>, IDisposable
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();
    private readonly TextWriter _writer;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly ITimer _timer;
    private string? _step;
    private long _stepStarted;

    public ElapsedProgress(TextWriter writer, TimeProvider? time = null, TimeSpan? heartbeat = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
        var every = heartbeat ?? Heartbeat;
        _timer = _time.CreateTimer(_ => Beat(), null, every, every);
    }

    /// <summary>The seconds since the command began, for example <c>12 s</c>.</summary>
    public string Elapsed => AppProgress.Seconds(_time.GetElapsedTime(_started));

    public void Report(string value)
    {
        lock (_gate)
        {
            _step = value;
            _stepStarted = _time.GetTimestamp();
            _writer.WriteLine($"grove: {value} ({Elapsed})");
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Beat()
    {
        lock (_gate)
        {
            if (_step is { } step)
            {
                _writer.WriteLine($"grove: … still working ({Elapsed} in all); the last step, {AppProgress.Seconds(_time.GetElapsedTime(_stepStarted))} ago: {step}");
            }
        }
    }
}
