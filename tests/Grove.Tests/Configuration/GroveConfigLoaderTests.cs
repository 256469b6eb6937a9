using Grove.Configuration;

namespace Grove.Tests.Configuration;

public class GroveConfigLoaderTests
{
    [Fact]
    public void Parse_FullExample_ReadsEveryKey()
    {
        var config = GroveConfigLoader.Parse("""
            {
              // comments and trailing commas are fine
              "app":      { "command": "dotnet", "args": ["run", "--project", "samples/X"],
                            "workingDirectory": ".", "healthPath": "/health", "env": { "KEY": "value" } },
              "install":  [ { "command": "npm", "args": ["ci"], "workingDirectory": "web" } ],
              "database": { "provider": "postgres", "name": "app", "seedCommand": { "command": "dotnet", "args": ["ef", "database", "update"] },
                            "connectionString": null },
              "ports":    { "base": 4000, "range": 1000 },
              "gateway":  { "port": 8080 },
            }
            """);

        Assert.Equal("dotnet", config.App!.Run.Command);
        Assert.Equal(["run", "--project", "samples/X"], config.App.Run.Args);
        Assert.Equal("value", config.App.Env["KEY"]);
        Assert.Equal("web", Assert.Single(config.Install!).WorkingDirectory);
        Assert.Equal(DatabaseProvider.Postgres, config.Database!.Provider);
        Assert.Equal(["ef", "database", "update"], config.Database.SeedCommand!.Args);
        Assert.Equal((4000, 1000, 8080), (config.Ports.Base, config.Ports.Size, config.GatewayPort));
    }

    [Fact]
    public void Parse_Empty_GivesDefaults()
    {
        var config = GroveConfigLoader.Parse("{}");

        Assert.Null(config.App);
        Assert.Null(config.Install);
        Assert.Null(config.Database);
        Assert.Equal((4000, 1000, 8080), (config.Ports.Base, config.Ports.Size, config.GatewayPort));
    }

    [Fact]
    public void Parse_EmptyInstall_MeansNone() =>
        Assert.Empty(GroveConfigLoader.Parse("""{ "install": [] }""").Install!);

    [Fact]
    public void Parse_ManyMistakes_ReportsEveryOneWithItsKey()
    {
        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""
            {
              "app": { "args": "run", "healthPath": "health", "colour": "red" },
              "install": [ { "command": 3 } ],
              "database": { "provider": "mysql", "name": "bad name", "seed": "../outside.sql" },
              "ports": { "base": 70000, "range": 1 },
              "gateway": { "port": "eighty" },
              "extra": true
            }
            """, "grove.json"));

        var keys = error.Errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]).ToList();
        string[] expected =
            ["app.colour", "app.command", "app.args", "app.healthPath", "install[0].command", "database.provider", "database.name", "database.seed", "ports.base", "ports.range", "gateway.port", "extra"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Parse_GatewayInsidePortRange_IsAnError()
    {
        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "gateway": { "port": 4500 } }"""));

        Assert.Contains("gateway.port", Assert.Single(error.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GatewayHosts_ValidNamesKeptBadOnesNamed()
    {
        Assert.Equal(["grove.test", "dev-box"], GroveConfigLoader.Parse("""{ "gateway": { "hosts": ["grove.test", "dev-box"] } }""").GatewayHosts);

        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "gateway": { "hosts": ["ok.test", "bad host", "-x.test", ""] } }"""));

        Assert.Equal(["gateway.hosts[1]", "gateway.hosts[2]", "gateway.hosts[3]"], error.Errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
    }

    [Fact]
    public void Parse_RangePastLastPort_IsAnError() =>
        Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "ports": { "base": 65000, "range": 1000 } }"""));

    [Fact]
    public void Parse_SeedAndSeedCommand_IsAnError() =>
        Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "database": { "seed": "a.sql", "seedCommand": { "command": "x" } } }"""));

    [Theory]
    [InlineData("""{ "provider": "postgres" }""", 1)]
    [InlineData("""{ "provider": "postgres", "spares": 0 }""", 0)]
    [InlineData("""{ "provider": "postgres", "spares": 8 }""", 8)]
    public void Parse_DatabaseSpares_DefaultOneZeroToEight(string database, int spares) =>
        Assert.Equal(spares, GroveConfigLoader.Parse($$"""{ "database": {{database}} }""").Database!.Spares);

    [Theory]
    [InlineData("""{ "provider": "postgres", "spares": 9 }""", "from 0 to 8, not the number 9", "0 turns them off")]
    [InlineData("""{ "provider": "postgres", "spares": -1 }""", "from 0 to 8, not the number -1", "0 turns them off")]
    [InlineData("""{ "provider": "postgres", "spares": "two" }""", "not the string \"two\"", "0 turns them off")]
    [InlineData("""{ "provider": "postgres", "spares": 1.5 }""", "not the number 1.5", "0 turns them off")]
    [InlineData("""{ "provider": "sqlite", "spares": 1 }""", "applies to provider \"postgres\" only", "remove it")]
    public void Parse_DatabaseSparesInvalid_NamesTheKeyAndTheFix(string database, string problem, string fix)
    {
        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse($$"""{ "database": {{database}} }"""));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("database.spares: ", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains(fix, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EnvFiles_NullMeansDefaultListKept()
    {
        Assert.Null(GroveConfigLoader.Parse("""{ "app": { "command": "x" } }""").App!.EnvFiles);
        Assert.Equal([".env", "config/.env.local"], GroveConfigLoader.Parse("""{ "app": { "command": "x", "envFiles": [".env", "config/.env.local"] } }""").App!.EnvFiles);
        Assert.Empty(GroveConfigLoader.Parse("""{ "app": { "command": "x", "envFiles": [] } }""").App!.EnvFiles!);
    }

    [Fact]
    public void Parse_EnvFilesInvalid_NamesEachEntry()
    {
        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "app": { "command": "x", "envFiles": [".env", 3, "", "../secrets.env", "/etc/env", "conf/"] } }"""));

        Assert.Equal(["app.envFiles[1]", "app.envFiles[2]", "app.envFiles[3]", "app.envFiles[4]", "app.envFiles[5]"], error.Errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
        Assert.Contains("app.envFiles: must be an array", Assert.Single(Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "app": { "command": "x", "envFiles": ".env" } }""")).Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_SeedInputs_KeptWithSeedCommandNamedWhenBad()
    {
        Assert.Equal(["db/migrations/**"], GroveConfigLoader.Parse("""{ "database": { "seedCommand": { "command": "npm" }, "seedInputs": ["db/migrations/**"] } }""").Database!.SeedInputs);
        Assert.Empty(GroveConfigLoader.Parse("""{ "database": { "seed": "a.sql" } }""").Database!.SeedInputs);

        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "database": { "seedCommand": { "command": "npm" }, "seedInputs": ["ok/**", "", "../up/**"] } }"""));
        var withSeedFile = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("""{ "database": { "seed": "a.sql", "seedInputs": ["db/**"] } }"""));

        Assert.Equal(["database.seedInputs[1]", "database.seedInputs[2]"], error.Errors.Select(e => e[..e.IndexOf(':', StringComparison.Ordinal)]));
        Assert.StartsWith("database.seedInputs: applies to seedCommand only", Assert.Single(withSeedFile.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidJson_SaysWhere()
    {
        var error = Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("{\n  \"ports\": { \"base\": 4000,, }\n}", "grove.json"));

        Assert.Contains("(line 2, position ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", error.Message, StringComparison.Ordinal); // the parser's own position counts from 0: said once, from 1
        Assert.Contains("nothing was applied", error.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NotAnObject_IsAnError() =>
        Assert.Throws<ConfigException>(() => GroveConfigLoader.Parse("[1, 2]"));

    [Fact]
    public void LoadFromWorktree_NoFile_GivesDefaults()
    {
        using var folder = new TempFolder();

        Assert.Same(GroveConfig.Default, GroveConfigLoader.LoadFromWorktree(folder.Path));
    }

    [Fact]
    public void Guards_RejectNull()
    {
        Assert.Throws<ArgumentNullException>(() => GroveConfigLoader.Parse(null!));
        Assert.Throws<ArgumentException>(() => GroveConfigLoader.LoadFromWorktree(""));
    }

    [Fact]
    public void LoadFromWorktree_FileChangedBrokenAndFixed_EachReadSeesTheFileAsItIsNow()
    {
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "grove.json");
        File.WriteAllText(path, """{ "gateway": { "port": 9001 } }""");
        var first = GroveConfigLoader.LoadFromWorktree(folder.Path);
        var again = GroveConfigLoader.LoadFromWorktree(folder.Path);
        File.WriteAllText(path, """{ "gateway": { "port": 9002 }, "ports": { "base": 5000 } }""");
        var changed = GroveConfigLoader.LoadFromWorktree(folder.Path);
        File.WriteAllText(path, """{ "gateway": { "port": "x" } }""");
        var broken = Assert.Throws<ConfigException>(() => GroveConfigLoader.LoadFromWorktree(folder.Path));
        var stillBroken = Assert.Throws<ConfigException>(() => GroveConfigLoader.LoadFromWorktree(folder.Path));
        File.WriteAllText(path, """{ "gateway": { "port": 9003 } }""");
        var fixedAgain = GroveConfigLoader.LoadFromWorktree(folder.Path);
        File.Delete(path);
        var gone = GroveConfigLoader.LoadFromWorktree(folder.Path);

        Assert.Equal(9001, first.GatewayPort);
        Assert.Same(first, again); // unchanged: not parsed again
        Assert.Equal((9002, 5000), (changed.GatewayPort, changed.Ports.Base));
        Assert.Contains("gateway.port", broken.Message, StringComparison.Ordinal);
        Assert.Equal(broken.Message, stillBroken.Message);
        Assert.Equal(9003, fixedAgain.GatewayPort);
        Assert.Same(GroveConfig.Default, gone);
    }
}
