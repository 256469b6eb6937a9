using Grove.Files;

namespace Grove.Configuration;

/// <summary>
/// The primary worktree's last valid grove.json, kept in the state folder
/// (<c>grove.last-good.json</c>, owner-only), so a typo in it does not stop commands that only read
/// (<c>grove ls</c>, <c>url</c>, <c>env</c>): they go on with the last good config and warn. A
/// primary without grove.json is remembered as the defaults.
/// </summary>
internal sealed class LastGoodConfig(string stateFolder)
{
    private const string NoFile = "{}";
    private string? _saved;

    private string FilePath => Path.Combine(stateFolder, "grove.last-good.json");

    /// <summary>Keeps the primary's grove.json, which was just read as valid (written only when it changed).</summary>
    public void Remember(string primaryWorktree)
    {
        string text;
        try
        {
            var file = Path.Combine(primaryWorktree, GroveConfig.FileName);
            text = File.Exists(file) ? File.ReadAllText(file) : NoFile;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        if (text == (_saved ??= Read()))
        {
            return;
        }

        try
        {
            OwnerOnly.CreateFolder(stateFolder);
            var temporary = $"{FilePath}.tmp-{Guid.NewGuid():N}";
            using (var stream = OwnerOnly.Open(temporary, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
            }

            File.Move(temporary, FilePath, overwrite: true);
            _saved = text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next valid read tries again.
        }
    }

    /// <summary>The last good config; null when none was kept (or it no longer parses, say after an upgrade).</summary>
    public GroveConfig? Recall()
    {
        var text = Read();
        if (text is null)
        {
            return null;
        }

        try
        {
            return GroveConfigLoader.Parse(text, FilePath);
        }
        catch (ConfigException)
        {
            return null;
        }
    }

    private string? Read()
    {
        try
        {
            return File.Exists(FilePath) ? File.ReadAllText(FilePath) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
