namespace Grove.Supervision;

/// <summary>
/// The steps (install) one runner completed, each with the key of the inputs it succeeded with
/// (<see cref="IWorktreeStep.CompletionKeyAsync"/>) and what it gave the app, so a restart or a
/// crash retry with unchanged inputs skips the step. Used by the runner's loop only.
/// </summary>
internal sealed class CompletedSteps
{
    private readonly Dictionary<string, (string Key, StepOutput Output)> _done = new(StringComparer.Ordinal);

    /// <summary>What the step gave when it last succeeded with <paramref name="key"/>; null when it did not (or with another key).</summary>
    public StepOutput? Find(string step, string? key) =>
        key is not null && _done.TryGetValue(step, out var done) && done.Key == key ? done.Output : null;

    /// <summary>Records a success; a null key (unknown inputs) records nothing.</summary>
    public void Record(string step, string? key, StepOutput output)
    {
        if (key is null)
        {
            _done.Remove(step);
            return;
        }

        _done[step] = (key, output);
    }

    public void Forget(string step) => _done.Remove(step);
}
