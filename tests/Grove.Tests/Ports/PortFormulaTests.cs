using Grove.Ports;

namespace Grove.Tests.Ports;

public class PortFormulaTests
{
    // Expected values computed outside .NET (Python hashlib) from the ARCHITECTURE §2 formula:
    // base + 1 + (u32be(sha256(utf8(name))[0..4]) mod (range - 1)).
    [Theory]
    [InlineData("feature/login", 4000, 1000, 4330)]
    [InlineData("main", 4000, 1000, 4828)]
    [InlineData("feat/$(touch${IFS}pwned)", 4000, 1000, 4471)]
    [InlineData("é", 4000, 1000, 4694)]
    [InlineData("x", 10000, 100, 10055)]
    public void Preferred_KnownNames_MatchFormula(string name, int @base, int size, int expected) =>
        Assert.Equal(expected, PortFormula.Preferred(name, isPrimary: false, new PortRange(@base, size)));

    [Fact]
    public void Preferred_Primary_IsBase() =>
        Assert.Equal(5000, PortFormula.Preferred("anything", isPrimary: true, new PortRange(5000, 10)));

    [Fact]
    public void Preferred_ManyNames_StayInsideRangeAboveBase()
    {
        var range = new PortRange(4000, 50);
        for (var i = 0; i < 2000; i++)
        {
            var port = PortFormula.Preferred($"branch-{i}", isPrimary: false, range);
            Assert.InRange(port, 4001, 4049);
        }
    }

    [Fact]
    public void ProbeOrder_WrapsInsideRangeAndCoversEveryPortOnce()
    {
        var range = new PortRange(4000, 10);
        var order = PortFormula.ProbeOrder("feature/login", isPrimary: false, range).ToList();

        Assert.Equal(PortFormula.Preferred("feature/login", false, range), order[0]);
        Assert.Equal(9, order.Count);
        Assert.Equal(Enumerable.Range(4001, 9), order.Order());
    }

    [Fact]
    public void ProbeOrder_Primary_StartsAtBase()
    {
        var order = PortFormula.ProbeOrder("main", isPrimary: true, new PortRange(4000, 5)).ToList();

        Assert.Equal([4000, 4001, 4002, 4003, 4004], order);
    }

    [Fact]
    public void PortRange_Guards_RejectBadValues()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(4000, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortRange(65000, 1000));
    }
}
