namespace Grove;

/// <summary>
/// An error a user can act on: <see cref="Exception.Message"/> says what went wrong and
/// <see cref="Fix"/> says what to do about it.
/// </summary>
public class GroveException(string message, string? fix = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>What the user should do next; null when the message says it all.</summary>
    public string? Fix { get; } = fix;
}
