namespace Grove.Supervision;

/// <summary>What can be asked of one worktree's app.</summary>
public enum RunnerCommand
{
    Restart,
    Stop,
    Start,

    /// <summary>Stop the app, install its dependencies afresh, start it.</summary>
    Reinstall,

    /// <summary>Stop the app, replace its database by a fresh branch of the template, start it.</summary>
    ResetDatabase,
}

/// <summary>The names commands have in the CLI, the agent API and logs.</summary>
public static class RunnerCommands
{
    private static readonly Dictionary<string, RunnerCommand> ByVerb = new(StringComparer.Ordinal)
    {
        ["restart"] = RunnerCommand.Restart,
        ["stop"] = RunnerCommand.Stop,
        ["start"] = RunnerCommand.Start,
        ["reinstall"] = RunnerCommand.Reinstall,
        ["reset-db"] = RunnerCommand.ResetDatabase,
    };

    /// <summary>Every verb, for usage texts.</summary>
    public static IReadOnlyCollection<string> Verbs => ByVerb.Keys;

    public static string Verb(this RunnerCommand command) => ByVerb.First(p => p.Value == command).Key;

    public static bool TryParse(string verb, out RunnerCommand command) => ByVerb.TryGetValue(verb, out command);
}
