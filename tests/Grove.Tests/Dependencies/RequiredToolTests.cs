namespace Grove.Tests.Dependencies;

public class RequiredToolTests
{
    [Fact]
    public void Check_MissingProgram_FailsNamingTheDebianPackage()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RequiredTool.Check("grove-no-such-tool", "grove-tool-package"));

        Assert.Contains("install the Debian package 'grove-tool-package' (sudo apt-get install grove-tool-package)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ProgramThatFails_FailsToo() =>
        Assert.Throws<InvalidOperationException>(() => RequiredTool.Check("false", "coreutils"));

    [Fact]
    public void Check_PresentProgram_Passes() => RequiredTool.Check("git", "git");
}
