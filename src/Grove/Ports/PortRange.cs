namespace Grove.Ports;

/// <summary>The ports Grove may lease: <c>Base</c> up to <c>Base + Size - 1</c>.</summary>
public sealed record PortRange
{
    public const int DefaultBase = 4000;
    public const int DefaultSize = 1000;

    public PortRange(int @base = DefaultBase, int size = DefaultSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(@base, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(@base + size - 1, 65535, nameof(size));
        Base = @base;
        Size = size;
    }

    public int Base { get; }

    public int Size { get; }

    public int Last => Base + Size - 1;

    public bool Contains(int port) => port >= Base && port <= Last;
}
