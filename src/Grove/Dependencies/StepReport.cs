namespace Grove.Dependencies;

/// <summary>What one install step did.</summary>
/// <param name="Step">The step.</param>
/// <param name="Outcome">Installed, reused or already up to date.</param>
/// <param name="Key">The hash of the step's inputs (lockfile, package manager and its version, platform); null for a step whose inputs Grove does not know.</param>
/// <param name="Method">For <see cref="InstallOutcome.Reused"/>: how the tree was materialised.</param>
/// <param name="ReusedFrom">For <see cref="InstallOutcome.Reused"/>: the cache entry it came from.</param>
/// <param name="Files">For <see cref="InstallOutcome.Reused"/>: how many files, folders and links were materialised.</param>
/// <param name="Duration">Wall-clock time the step took.</param>
internal sealed record StepReport(
    InstallStep Step,
    InstallOutcome Outcome,
    string? Key,
    CopyMethod? Method,
    string? ReusedFrom,
    int Files,
    TimeSpan Duration)
{
    /// <summary>One line for people, e.g. <c>npm:web reused (hardlink, 12034 entries) in 0.4 s</c>.</summary>
    public string Describe()
    {
        var seconds = Duration.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);
        return Outcome switch
        {
            InstallOutcome.Reused => $"{Step.Id}: reused {Step.Output} ({Method?.ToString().ToLowerInvariant()}, {Files} entries) in {seconds} s",
            InstallOutcome.UpToDate => $"{Step.Id}: up to date",
            _ => $"{Step.Id}: installed with {Step.Describe()} in {seconds} s",
        };
    }
}
