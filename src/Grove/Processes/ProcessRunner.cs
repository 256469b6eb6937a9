using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Grove.Processes;

/// <summary>
/// Runs a program to completion: arguments passed as a list (no shell), both output streams
/// drained while it runs, and the whole process tree killed when the token is cancelled.
/// </summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        cancellationToken.ThrowIfCancellationRequested();

        using var process = Start(spec);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        await FeedAndWaitAsync(process, spec, cancellationToken).ConfigureAwait(false);

        return new ProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// Runs a program to completion, handing every line it prints (standard output and standard
    /// error, in the order they arrive) to <paramref name="onLine"/>, one call at a time. Returns
    /// the exit code. Cancelling kills the whole process tree.
    /// </summary>
    public static async Task<int> RunStreamingAsync(ProcessSpec spec, Action<string> onLine, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onLine);
        cancellationToken.ThrowIfCancellationRequested();

        using var process = Start(spec);
        var gate = new object();
        void Deliver(string line)
        {
            lock (gate)
            {
                onLine(line);
            }
        }

        var stdout = PumpLinesAsync(process.StandardOutput, Deliver);
        var stderr = PumpLinesAsync(process.StandardError, Deliver);
        await FeedAndWaitAsync(process, spec, cancellationToken).ConfigureAwait(false);

        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        return process.ExitCode;
    }

    /// <summary>Writes the spec's standard input, closes it, and waits for the exit; cancelling kills the tree.</summary>
    private static async Task FeedAndWaitAsync(Process process, ProcessSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            if (spec.StandardInput is not null)
            {
                await process.StandardInput.WriteAsync(spec.StandardInput.AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            throw;
        }
    }

    private static async Task PumpLinesAsync(StreamReader reader, Action<string> onLine)
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
        {
            onLine(line);
        }
    }

    private static Process Start(ProcessSpec spec)
    {
        var process = new Process { StartInfo = CreateStartInfo(spec) };
        try
        {
            process.Start();
            return process;
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new GroveException(
                $"could not start '{spec.FileName}': {ex.Message}",
                $"install {spec.FileName} and make sure it is on PATH",
                ex);
        }
    }

    /// <summary>Start info for <paramref name="spec"/>: argument list, environment, all three streams redirected.</summary>
    internal static ProcessStartInfo CreateStartInfo(ProcessSpec spec)
    {
        var info = new ProcessStartInfo(spec.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = spec.WorkingDirectory ?? string.Empty,
        };
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var variable in GitHub.GitHubToken.Variables)
        {
            info.Environment.Remove(variable); // a GitHub token reaches a child only when its spec sets it (app.env)
        }

        foreach (var (key, value) in spec.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return info;
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }
}
