using Grove.Worktrees;

namespace Grove.Hosting;

/// <summary>How a command to the host ended.</summary>
public enum CommandOutcome
{
    /// <summary>Carried out.</summary>
    Done,

    /// <summary>Not carried out, nothing changed: the reason says why (uncommitted work, no database, already running…).</summary>
    Refused,

    /// <summary>Tried, and it went wrong: the message is the error.</summary>
    Failed,
}

/// <summary>
/// What a command to the host gives back: its outcome, a sentence for people, what to do about
/// a refusal or failure, and the worktree as it is after the command (when there is one).
/// </summary>
public sealed record CommandResult(CommandOutcome Outcome, string Message, string? Fix = null)
{
    public bool Succeeded => Outcome == CommandOutcome.Done;

    /// <summary>The worktree the command made or acted on, as it was when the command ended.</summary>
    public WorktreeSnapshot? Worktree { get; init; }

    public static CommandResult Done(string message, WorktreeSnapshot? worktree = null) => new(CommandOutcome.Done, message) { Worktree = worktree };

    public static CommandResult Refused(string reason, string? fix = null) => new(CommandOutcome.Refused, reason, fix);

    public static CommandResult Failed(string error, string? fix = null) => new(CommandOutcome.Failed, error, fix);

    /// <summary>The message and its fix as one line, for a dashboard toast or a log.</summary>
    public override string ToString() => Fix is null ? Message : $"{Message} (fix: {Fix})";

    /// <summary>Throws a <see cref="GroveException"/> carrying the message and fix unless the command was done (for the CLI).</summary>
    public CommandResult ThrowIfNotDone() => Succeeded ? this : throw new GroveException(Message, Fix);
}
