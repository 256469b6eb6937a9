using System.Text;
using Grove.Slugs;

namespace Grove.Tests.Slugs;

public class SlugTests
{
    public static TheoryData<string> HostileNames => new()
    {
        "feat/$(touch${IFS}pwned)",
        "feat/`touch pwned`",
        "it's \"quoted\"",
        "a;b|c&d<e>f",
        "ünïcödé/brånch",
        "日本語",
        "emoji/🚀-launch",
        new string('x', 200),
        "Feature/X",
        "feature/x",
        "--leading-and-trailing--",
        "xn--punycode",
        "...",
    };

    [Theory]
    [MemberData(nameof(HostileNames))]
    public void From_HostileName_IsValidDnsLabel(string name)
    {
        var slug = Slug.From(name);

        Assert.True(Slug.IsValid(slug), $"'{slug}' from '{name}' is not a valid slug");
        Assert.InRange(Encoding.UTF8.GetByteCount(slug), 1, 63);
    }

    [Theory]
    [InlineData("feature/login", "feature-login")]
    [InlineData("Feature/Login", "feature-login")]
    [InlineData("fix/JIRA-123_crash", "fix-jira-123-crash")]
    [InlineData("café/déjà-vu", "cafe-deja-vu")]
    [InlineData("main", "main")]
    [InlineData("xn--punycode", "xn-punycode")]
    public void From_OrdinaryName_IsReadable(string name, string expected) =>
        Assert.Equal(expected, Slug.From(name));

    [Fact]
    public void From_NameWithNoLatinCharacters_GetsStableHashedSlug()
    {
        var first = Slug.From("日本語");

        Assert.StartsWith("wt-", first, StringComparison.Ordinal);
        Assert.Equal(first, Slug.From("日本語"));
        Assert.NotEqual(first, Slug.From("中文"));
    }

    [Fact]
    public void From_LongName_IsCutTo63WithoutTrailingHyphen()
    {
        var slug = Slug.From(new string('a', 62) + "/bbbb");

        Assert.Equal(62, slug.Length);
        Assert.True(Slug.IsValid(slug));
    }

    [Fact]
    public void WithSuffix_SameReadableSlug_SeparatesByStableHash()
    {
        var upper = Slug.WithSuffix(Slug.From("Feature/X"), "Feature/X");
        var lower = Slug.WithSuffix(Slug.From("feature/x"), "feature/x");

        Assert.NotEqual(upper, lower);
        Assert.Equal(upper, Slug.WithSuffix("feature-x", "Feature/X"));
        Assert.Matches("^feature-x-[0-9a-f]{6}$", upper);
    }

    [Fact]
    public void WithSuffix_LongSlug_StaysWithin63()
    {
        var slug = Slug.WithSuffix(Slug.From(new string('y', 200)), "anything");

        Assert.Equal(63, slug.Length);
        Assert.True(Slug.IsValid(slug));
    }

    [Fact]
    public void Guards_RejectNull()
    {
        Assert.Throws<ArgumentNullException>(() => Slug.From(null!));
        Assert.Throws<ArgumentNullException>(() => Slug.WithSuffix(null!, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Slug.WithSuffix("a", "x", -1));
    }
}
