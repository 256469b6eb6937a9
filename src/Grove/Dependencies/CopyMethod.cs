namespace Grove.Dependencies;

/// <summary>How a tree was materialised, fastest first.</summary>
internal enum CopyMethod
{
    /// <summary>Copy-on-write clones of each file (btrfs, XFS, bcachefs): no data copied, files independent.</summary>
    Reflink,

    /// <summary>Hard links to the cached files: only for package managers that replace files rather than edit them.</summary>
    Hardlink,

    /// <summary>A plain byte copy.</summary>
    Copy,
}
