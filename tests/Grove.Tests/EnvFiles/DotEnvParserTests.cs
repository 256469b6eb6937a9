using Grove.EnvFiles;

namespace Grove.Tests.EnvFiles;

public class DotEnvParserTests
{
    [Fact]
    public void Parse_CommonSyntax_ReadsEveryValueAsWritten()
    {
        var text = "\uFEFF# a comment\n\nPLAIN=value\nexport EXPORTED=yes\n  SPACED = around  \nBARE=with # comment\nHASH=a#b\nSINGLE='lit $x \\n # kept'\nDOUBLE=\"line\\nnext \\\"q\\\" # kept\" # gone\nEMPTY=\nMULTI=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nEQUALS=a=b=c\r\nCRLF=x\r\n";

        var variables = DotEnvParser.Parse(text, out var errors);

        Assert.Empty(errors);
        Assert.Equal(
            [
                new("PLAIN", "value"), new("EXPORTED", "yes"), new("SPACED", "around"), new("BARE", "with"), new("HASH", "a#b"),
                new("SINGLE", "lit $x \\n # kept"), new("DOUBLE", "line\nnext \"q\" # kept"), new("EMPTY", ""),
                new("MULTI", "-----BEGIN KEY-----\nabc\n-----END KEY-----"), new("EQUALS", "a=b=c"), new KeyValuePair<string, string>("CRLF", "x"),
            ],
            variables);
    }

    [Fact]
    public void Parse_BadLines_NamedByLineWithoutTheirValues()
    {
        DotEnvParser.Parse("GOOD=1\njust-a-secret-token\n1BAD=x\nOPEN=\"never closed\nMORE=2", out var errors);

        Assert.Equal(["line 2 is not KEY=VALUE", "line 3: the name before '=' must be letters, digits, '_', '.' or '-'", "line 4: the value of OPEN opens a double quote that is never closed"], errors);
        Assert.DoesNotContain(errors, e => e.Contains("secret-token", StringComparison.Ordinal) || e.Contains("never closed\"", StringComparison.Ordinal));
    }
}
