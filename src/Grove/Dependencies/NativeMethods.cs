using System.Runtime.InteropServices;

namespace Grove.Dependencies;

/// <summary>The two file-system calls .NET has no API for: hard links and copy-on-write clones.</summary>
internal static partial class NativeMethods
{
    /// <summary>Linux <c>FICLONE</c>: <c>_IOW(0x94, 9, int)</c>.</summary>
    public const uint FileClone = 0x40049409;

    public const int NotPermitted = 1;
    public const int CrossDevice = 18;
    public const int InvalidArgument = 22;
    public const int NotATerminal = 25;
    public const int TooManyLinks = 31;
    public const int NotSupported = 95;

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existingPath, string newPath);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fileDescriptor, nuint request, int argument);
}
