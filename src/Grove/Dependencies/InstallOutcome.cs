namespace Grove.Dependencies;

/// <summary>What happened to one install step.</summary>
internal enum InstallOutcome
{
    /// <summary>The package manager ran.</summary>
    Installed,

    /// <summary>A tree installed from the same inputs was materialised instead of installing.</summary>
    Reused,

    /// <summary>This worktree already holds an install of the same inputs: nothing was done.</summary>
    UpToDate,
}
