using System.ComponentModel;
using System.Diagnostics;

namespace Grove.Processes;

/// <summary>
/// A long-running program in its own process group (started through <c>setsid</c>), whose output
/// lines are handed to a callback as they come. Stopping it signals the whole group: SIGTERM,
/// then SIGKILL after a grace period; <see cref="StopAsync"/> returns only once every process of
/// the group is verified gone.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const string SetSid = "setsid";
    private readonly Process _process;
    private readonly Task<int> _exited;

    private ChildProcess(Process process, ProcessIdentity identity)
    {
        _process = process;
        Identity = identity;
        _exited = WaitForExitAsync(process);
    }

    public ProcessIdentity Identity { get; }

    /// <summary>Completes with the exit code when the program exits, for whatever reason.</summary>
    public Task<int> Exited => _exited;

    /// <param name="onLine">Receives each output line, with true for standard error; called on pool threads.</param>
    public static ChildProcess Start(ProcessSpec spec, Action<bool, string> onLine)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onLine);
        // setsid runs the program as the leader of a new session and process group.
        var info = ProcessRunner.CreateStartInfo(spec with { FileName = SetSid, Arguments = [spec.FileName, .. spec.Arguments] });
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(false, e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(true, e.Data);
            }
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new GroveException($"could not start a process group with '{SetSid}': {ex.Message}", "install util-linux (it provides setsid)", ex);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var identity = ProcessIdentity.Read(process.Id) ?? new ProcessIdentity(process.Id, 0);
        return new ChildProcess(process, identity);
    }

    /// <summary>SIGTERM to the group, SIGKILL after <paramref name="grace"/>; returns once the group is gone.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken = default)
    {
        await StopGroupAsync(Identity.Pid, _exited, grace, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether the group led by a recorded process still runs: that very process (pid and start
    /// time), or, once no process has its id any more, members of its group.
    /// </summary>
    public static bool GroupRuns(ProcessIdentity leader)
    {
        ArgumentNullException.ThrowIfNull(leader);
        return leader.IsAlive() || (ProcessIdentity.Read(leader.Pid) is null && Signals.GroupExists(leader.Pid));
    }

    /// <summary>
    /// Stops the group led by a recorded process (an orphan of an earlier Grove), only when that
    /// process is still the very one recorded; returns false when it was already gone.
    /// </summary>
    public static async Task<bool> StopOrphanAsync(ProcessIdentity leader, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leader);
        if (!leader.IsAlive())
        {
            // The leader is gone. Its group may live on in processes it started; the kernel never
            // hands out a process id that is still some group's id, so when no process has the
            // leader's id any more, a group with that id is still the recorded one.
            if (ProcessIdentity.Read(leader.Pid) is not null || !Signals.GroupExists(leader.Pid))
            {
                return false;
            }

            Signals.SendToGroup(leader.Pid, Signals.Terminate);
            await WaitUntilAsync(() => !Signals.GroupExists(leader.Pid), cancellationToken).WaitAsync(grace, cancellationToken)
                .ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).ConfigureAwait(false);
            if (Signals.GroupExists(leader.Pid))
            {
                Signals.SendToGroup(leader.Pid, Signals.Kill);
            }

            return true;
        }

        var exited = WaitUntilAsync(() => !leader.IsAlive(), cancellationToken);
        await StopGroupAsync(leader.Pid, exited, grace, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Stops the group if anything of it still runs (the leader, or children it left behind).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited || Signals.GroupExists(Identity.Pid))
        {
            await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        _process.Dispose();
    }

    private static async Task StopGroupAsync(int groupId, Task exited, TimeSpan grace, CancellationToken cancellationToken)
    {
        Signals.SendToGroup(groupId, Signals.Terminate);
        var stopped = await Task.WhenAny(exited, Task.Delay(grace, cancellationToken)).ConfigureAwait(false);
        if (stopped != exited)
        {
            Signals.SendToGroup(groupId, Signals.Kill);
            await exited.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }

        // The leader is gone; children it left behind in the group go too.
        if (Signals.GroupExists(groupId))
        {
            Signals.SendToGroup(groupId, Signals.Kill);
            await WaitUntilAsync(() => !Signals.GroupExists(groupId), cancellationToken).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Completes when the program itself exits, even while a child it left behind keeps its
    /// output open (<see cref="Process.WaitForExitAsync(CancellationToken)"/> would wait for that child too).
    /// </summary>
    private static Task<int> WaitForExitAsync(Process process)
    {
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        if (process.HasExited)
        {
            exited.TrySetResult(process.ExitCode);
        }

        return exited.Task;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(25, cancellationToken).ConfigureAwait(false);
        }
    }
}
