using Grove.Processes;

namespace Grove.Testing;

/// <summary>
/// A test that needs a program this machine lacks fails, naming the Debian package to install;
/// it never skips.
/// </summary>
public static class RequiredTool
{
    /// <summary>Throws unless <paramref name="program"/> runs (<c>--version</c>), naming <paramref name="debianPackage"/>.</summary>
    public static void Check(string program, string debianPackage)
    {
        try
        {
            var result = ProcessRunner.RunAsync(new ProcessSpec(program, ["--version"]), Bounded.Token(Bounded.Process)).GetAwaiter().GetResult();
            if (result.Succeeded)
            {
                return;
            }
        }
        catch (GroveException)
        {
            // Not installed: reported below.
        }

        throw new InvalidOperationException(
            $"this test needs '{program}', which does not run here: install the Debian package '{debianPackage}' (sudo apt-get install {debianPackage})");
    }
}
