using System.Globalization;

namespace Grove.Processes;

/// <summary>
/// A process id together with its start time (clock ticks since boot, from /proc), so a recorded
/// process is never confused with an unrelated program that later got the same id.
/// </summary>
internal sealed record ProcessIdentity(int Pid, long StartTicks)
{
    /// <summary>The identity of the running process <paramref name="pid"/>; null when none runs (or it is a zombie).</summary>
    public static ProcessIdentity? Read(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so parse after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        if (fields.Length < 20 || fields[0] == "Z" || fields[0] == "X")
        {
            return null;
        }

        return new ProcessIdentity(pid, long.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    public static ProcessIdentity Current => Read(Environment.ProcessId)
        ?? throw new InvalidOperationException("cannot read this process's own /proc entry");

    /// <summary>True when this very process still runs.</summary>
    public bool IsAlive() => Read(Pid) == this;
}
