namespace Grove.Dependencies;

/// <summary>The package manager an install step belongs to.</summary>
internal enum Ecosystem
{
    Npm,
    Pnpm,
    Yarn,
    Dotnet,
    Uv,
    Pip,

    /// <summary>A step from grove.json's <c>install</c> that Grove does not recognise: always run.</summary>
    Custom,
}
