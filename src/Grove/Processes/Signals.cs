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

    /// <summary>True while any process is left in the group.</summary>
    public static bool GroupExists(int groupId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(groupId, 2);
        return kill(-groupId, Probe) == 0 || Marshal.GetLastPInvokeError() != NoSuchProcess;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int sig);
}
