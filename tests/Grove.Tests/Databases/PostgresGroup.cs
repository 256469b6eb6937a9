namespace Grove.Tests.Databases;

/// <summary>One real PostgreSQL server shared by the tests that branch in a given server.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresGroup : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
