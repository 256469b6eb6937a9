namespace Grove.Databases;

/// <summary>What Grove says when the template is older than its seed (<c>grove ls</c>, <c>grove up</c>).</summary>
internal static class TemplateSeedWarning
{
    public const string Text = "the database template is older than its seed (a file matched by database.seedInputs, the seed file or the seed command changed since it was built)";

    public const string Fix = "'grove up' rebuilds it by itself; without it, run 'grove db template' (worktrees keep their databases; new ones get the new template)";
}
