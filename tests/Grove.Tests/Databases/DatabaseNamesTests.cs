using System.Text;
using Grove.Databases;
using Grove.Slugs;

namespace Grove.Tests.Databases;

public class DatabaseNamesTests
{
    [Fact]
    public void Branch_LongSlugs_AtMost63BytesAndUnique()
    {
        var slugs = Enumerable.Range(0, 200).Select(i => Slug.From($"{new string('a', 55)}-{i}")).ToList();
        slugs.Add(Slug.From(new string('a', 55)));
        Assert.Equal(slugs.Count, slugs.Distinct(StringComparer.Ordinal).Count());

        var names = slugs.Select(s => DatabaseNames.Branch(new string('n', 40), s)).ToList();

        Assert.All(names, n => Assert.InRange(Encoding.UTF8.GetByteCount(n), 1, DatabaseNames.MaxLength));
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Branch_NeverEqualsTemplateOrTemporary()
    {
        var branch = DatabaseNames.Branch("app", Slug.From("_template"));

        Assert.NotEqual(DatabaseNames.Template("app"), branch);
        Assert.DoesNotContain("__", DatabaseNames.Branch("app", Slug.From("__new__x")), StringComparison.Ordinal);
        Assert.StartsWith("app__new_", DatabaseNames.Temporary("app"), StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_ServerAndBranch_NeverShowThePassword()
    {
        var server = PostgresServer.Given("Host=127.0.0.1;Port=5999;Username=u;Password=s3cret-pw");
        var branch = new DatabaseBranch(Grove.Configuration.DatabaseProvider.Postgres, "app_x", [new("DATABASE_URL", server.Url("app_x"))], server.Display("app_x"));

        Assert.DoesNotContain("s3cret-pw", server.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", branch.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", server.Display("app_x"), StringComparison.Ordinal);
        Assert.Contains("s3cret-pw", branch.Environment[0].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_InnerQuotes_Doubled() =>
        Assert.Equal("\"a\"\"b\"", DatabaseNames.Quote("a\"b"));

    [Fact]
    public void Guards_EmptyArguments_Throw()
    {
        Assert.Throws<ArgumentException>(() => DatabaseNames.Branch("", "x"));
        Assert.Throws<ArgumentException>(() => DatabaseNames.Branch("app", ""));
        Assert.Throws<ArgumentNullException>(() => DatabaseNames.Quote(null!));
    }
}
