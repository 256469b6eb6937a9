using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Grove.Dependencies;

/// <summary>
/// Materialises a recorded tree somewhere else with the fastest method that works here: a
/// copy-on-write clone per file where the file system supports it, else a hard link (when
/// allowed), else a plain copy. The first refusal of a method (another file system, no support)
/// drops to the next one for the rest of the tree. Symbolic links are recreated as written.
/// Before each entry is copied its source is checked against the record: any difference is a
/// <see cref="TreeChangedException"/>, never a silently different tree.
/// </summary>
internal sealed class TreeCopier
{
    private CopyMethod _method;

    public TreeCopier(bool allowHardlinks)
    {
        AllowHardlinks = allowHardlinks && !OperatingSystem.IsWindows();
        _method = OperatingSystem.IsLinux() ? CopyMethod.Reflink : AllowHardlinks ? CopyMethod.Hardlink : CopyMethod.Copy;
    }

    public bool AllowHardlinks { get; }

    /// <summary>The slowest method this copier had to use so far.</summary>
    public CopyMethod Method => _method;

    /// <summary>Copies <paramref name="entries"/> from <paramref name="source"/> into the new folder <paramref name="target"/>.</summary>
    public void Copy(string source, string target, IReadOnlyList<TreeEntry> entries, bool checkSource, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (checkSource)
            {
                var actual = TreeWalker.Stat(source, entry.Path);
                if (actual is null || !actual.SameShape(entry) || actual.ModifiedTicks != entry.ModifiedTicks)
                {
                    throw new TreeChangedException($"{entry.Path} in {source} changed after it was recorded");
                }
            }

            var from = Path.Combine(source, entry.Path);
            var to = Path.Combine(target, entry.Path);
            switch (entry.Kind)
            {
                case TreeEntry.Folder:
                    Directory.CreateDirectory(to);
                    break;
                case TreeEntry.Link:
                    File.CreateSymbolicLink(to, entry.LinkTarget!);
                    break;
                default:
                    CopyFile(from, to);
                    break;
            }
        }
    }

    private void CopyFile(string from, string to)
    {
        if (_method == CopyMethod.Reflink)
        {
            var error = TryClone(from, to);
            if (error == 0)
            {
                return;
            }

            _method = AllowHardlinks ? CopyMethod.Hardlink : CopyMethod.Copy;
        }

        if (_method == CopyMethod.Hardlink)
        {
            if (NativeMethods.Link(from, to) == 0)
            {
                return;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error != NativeMethods.TooManyLinks)
            {
                if (error is not (NativeMethods.CrossDevice or NativeMethods.NotPermitted or NativeMethods.NotSupported))
                {
                    throw new IOException($"could not link {to} to {from}: {Marshal.GetPInvokeErrorMessage(error)}");
                }

                _method = CopyMethod.Copy;
            }
        }

        File.Copy(from, to);
    }

    /// <summary>Clones <paramref name="from"/> to <paramref name="to"/>; 0 on success, else the errno (the partial file removed).</summary>
    private static int TryClone(string from, string to)
    {
        if (!OperatingSystem.IsLinux())
        {
            return NativeMethods.NotSupported;
        }

        var mode = File.GetUnixFileMode(from);
        int error;
        using (var source = File.OpenHandle(from, FileMode.Open, FileAccess.Read))
        using (var destination = File.OpenHandle(to, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: 0))
        {
            if (NativeMethods.Ioctl(Descriptor(destination), NativeMethods.FileClone, Descriptor(source)) == 0)
            {
                File.SetUnixFileMode(destination, mode);
                return 0;
            }

            error = Marshal.GetLastPInvokeError();
        }

        File.Delete(to);
        return error is NativeMethods.NotSupported or NativeMethods.CrossDevice or NativeMethods.InvalidArgument or NativeMethods.NotATerminal or NativeMethods.NotPermitted
            ? error
            : throw new IOException($"could not clone {from} to {to}: {Marshal.GetPInvokeErrorMessage(error)}");
    }

    private static int Descriptor(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}
