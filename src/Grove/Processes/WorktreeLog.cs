using System.Globalization;
using System.Text;

namespace Grove.Processes;

/// <summary>
/// One worktree's log: every line timestamped, appended to a file in the state folder (so other
/// grove processes can read and follow it) and kept in a bounded in-memory tail.
/// </summary>
internal sealed class WorktreeLog : IDisposable
{
    public const int TailSize = 500;

    /// <summary>Past this size the file is moved to <c>.1</c> (replacing the older one) and begun anew.</summary>
    public const long MaxFileBytes = 10 * 1024 * 1024;
    private readonly Lock _gate = new();
    private readonly Queue<string> _tail = new();
    private readonly TimeProvider _time;
    private StreamWriter _writer;

    public WorktreeLog(string path, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = path;
        _time = time ?? TimeProvider.System;
        var folder = System.IO.Path.GetDirectoryName(path)!;
        if (!Directory.Exists(folder))
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        _writer = Open(path);
    }

    public string Path { get; }

    /// <summary>Raised with each formatted line, after it is written.</summary>
    public event Action<string>? LineWritten;

    /// <summary>Appends one line; <paramref name="source"/> is <c>out</c>, <c>err</c> or <c>grove</c>.</summary>
    public void Write(string source, string text)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(text);
        var line = string.Create(CultureInfo.InvariantCulture, $"{_time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} [{source}] {text}");
        lock (_gate)
        {
            if (_writer.BaseStream.Length > MaxFileBytes)
            {
                _writer.Dispose();
                File.Move(Path, Path + ".1", overwrite: true);
                _writer = Open(Path);
            }

            _writer.WriteLine(line);
            _tail.Enqueue(line);
            while (_tail.Count > TailSize)
            {
                _tail.Dequeue();
            }
        }

        LineWritten?.Invoke(line);
    }

    private static StreamWriter Open(string path) => new(
        new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }),
        new UTF8Encoding(false)) { AutoFlush = true };

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<string> Tail(int count = TailSize)
    {
        lock (_gate)
        {
            return [.. _tail.Skip(Math.Max(0, _tail.Count - count))];
        }
    }

    /// <summary>The last <paramref name="count"/> lines of a log file, read while it may still be written.</summary>
    public static IReadOnlyList<string> ReadLastLines(string path, int count)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new Queue<string>();
        while (reader.ReadLine() is { } line)
        {
            lines.Enqueue(line);
            if (lines.Count > count)
            {
                lines.Dequeue();
            }
        }

        return [.. lines];
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
