namespace Grove.State;

/// <summary>The state file exists but is not a readable SQLite database.</summary>
internal sealed class StateStoreCorruptException(string path, Exception inner)
    : GroveException(
        $"the state store {path} is damaged ({inner.Message})",
        "run 'grove state reset': it moves the file aside (kept as a backup, nothing deleted) and starts a fresh one; ports and slugs are then derived again from branch names",
        inner)
{
    public string StorePath { get; } = path;
}
