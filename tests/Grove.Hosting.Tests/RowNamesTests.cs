using Grove.Dashboard;

namespace Grove.Hosting.Tests;

/// <summary>Row names when one AppHost runs several repositories (AddGrove twice): no two rows share a name.</summary>
public sealed class RowNamesTests
{
    [Fact]
    public void Claim_TwoRepositoriesWithTheSameSlug_TheSecondIsPrefixed_AndEachKeepsItsName()
    {
        var names = new RowNames();
        var reserved = new HashSet<string>(["one", "two", "one-gateway", "api"], StringComparer.OrdinalIgnoreCase);

        var first = names.Claim("one", "main", reserved);
        var second = names.Claim("two", "main", reserved);
        var again = names.Claim("one", "main", reserved);
        var model = names.Claim("one", "api", reserved); // a resource of the model has that name

        Assert.Equal(("main", "two-main", "main", "one-api"), (first, second, again, model));
    }
}
