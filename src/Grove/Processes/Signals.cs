using System.Runtime.InteropServices;

namespace Grove.Processes;

/// <summary>POSIX signals to a process or a whole process group (kill(2)).</summary>
internal static partial class Signals
{
    public const int Terminate = 15;
    public const int Kill = 9;
    private const int Probe = 0;
    private const int NoSuchProcess = 3; // ESRCH

    /// <summary>Sends <paramref name="signal"/> to every process in the group led by <paramref name="groupId"/>.</summary>
    public static void SendToGroup(int groupId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupId, 2);
        _ = kill(-groupId, signal);
    }

    /// <summary>
    /// True while a live process (not a zombie) is left in the group. Zombies are left out on
    /// purpose: where nothing reaps orphans (a container's init), they linger but hold nothing.
    /// </summary>
    public static bool GroupExists(int groupId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupId, 2);
        if (kill(-groupId, Probe) != 0 && Marshal.GetLastPInvokeError() == NoSuchProcess)
        {
            return false;
        }

        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(folder);
            if (name.Length == 0 || !char.IsAsciiDigit(name[0]))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(folder, "stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue; // it exited while we looked
            }

            // After "pid (comm) ": state ppid pgrp ...
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 4);
            if (fields.Length >= 3 && fields[0] is not ("Z" or "X") && fields[2] == groupId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            {
                return true;
            }
        }

        return false;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
