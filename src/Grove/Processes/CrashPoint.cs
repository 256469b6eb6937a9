namespace Grove.Processes;

/// <summary>
/// Named points where the crash-safety tests kill this process (SIGKILL, as a dying terminal or
/// agent sandbox does): when <c>GROVE_TEST_KILL_AT</c> names the point, the process kills itself
/// there. Unset (always, outside those tests), reaching a point does nothing.
/// </summary>
internal static class CrashPoint
{
    public const string Variable = "GROVE_TEST_KILL_AT";

    /// <summary>Right after <c>git worktree add</c> in <c>grove new</c>, before its database step.</summary>
    public const string AfterWorktreeAdd = "after-worktree-add";

    /// <summary>After a branch database was copied under its temporary name, before its rename.</summary>
    public const string BeforeRename = "before-rename";

    /// <summary>Names a point where the process sleeps 3 s instead (a test's window for another process to act).</summary>
    public const string PauseVariable = "GROVE_TEST_PAUSE_AT";

    private static readonly string? Armed = Environment.GetEnvironmentVariable(Variable);
    private static readonly string? Paused = Environment.GetEnvironmentVariable(PauseVariable);

    public static void Reach(string point)
    {
        if (Armed is not null && string.Equals(Armed, point, StringComparison.Ordinal))
        {
            Console.Error.WriteLine($"grove: {Variable}={point}: killing this process");
            System.Diagnostics.Process.GetCurrentProcess().Kill(); // SIGKILL: no cleanup runs
        }

        if (Paused is not null && string.Equals(Paused, point, StringComparison.Ordinal))
        {
            Thread.Sleep(TimeSpan.FromSeconds(3));
        }
    }
}
