using Grove.Dependencies;

namespace Grove.Tests.Dependencies;

public class OutputTailTests
{
    [Fact]
    public void Lines_FewLines_AllKeptNoGap()
    {
        var tail = new OutputTail(5);
        tail.Add("a");
        tail.Add("npm error b");

        Assert.Equal(["a", "npm error b"], tail.Lines);
    }

    [Fact]
    public void Lines_CauseThenPageOfUsage_KeepsCauseGapAndEnd()
    {
        var tail = new OutputTail(3, firstErrors: 2);
        tail.Add("installing");
        tail.Add("npm error code EUSAGE");
        tail.Add("npm error not in sync");
        tail.Add("npm error third error line, not kept");
        for (var i = 0; i < 10; i++)
        {
            tail.Add($"usage {i}");
        }

        Assert.Equal(["npm error code EUSAGE", "npm error not in sync", OutputTail.Gap, "usage 7", "usage 8", "usage 9"], tail.Lines);
    }

    [Fact]
    public void Lines_ErrorRightBeforeTail_NoGap()
    {
        var tail = new OutputTail(2);
        tail.Add("Build FAILED.");
        tail.Add("x");
        tail.Add("y");

        Assert.Equal(["Build FAILED.", "x", "y"], tail.Lines);
    }
}
