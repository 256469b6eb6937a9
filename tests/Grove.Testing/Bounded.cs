namespace Grove.Testing;

/// <summary>Every await in a test is bounded: these are the bounds.</summary>
public static class Bounded
{
    public static readonly TimeSpan Git = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan Process = TimeSpan.FromSeconds(60);

    public static CancellationToken Token(TimeSpan limit) => new CancellationTokenSource(limit).Token;
}
