using Samsa.Broker.Configuration;

namespace Samsa.Broker.Tests.Configuration;

public sealed class JavaPropertiesTests
{
    private static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>();
        foreach (var (key, value) in JavaProperties.Parse(text))
        {
            result[key] = value;
        }

        return result;
    }

    [Fact]
    public void Equals_colon_and_whitespace_all_separate_key_from_value()
    {
        var p = Parse("a=1\nb:2\nc 3\nd = 4\ne\t:\t5\n  f   =  six  \ng\nh=\n");
        Assert.Equal("1", p["a"]);
        Assert.Equal("2", p["b"]);
        Assert.Equal("3", p["c"]);
        Assert.Equal("4", p["d"]);
        Assert.Equal("5", p["e"]);
        Assert.Equal("six  ", p["f"]);
        Assert.Equal("", p["g"]);
        Assert.Equal("", p["h"]);
    }

    [Fact]
    public void Only_the_first_separator_counts()
    {
        var p = Parse("listeners=PLAINTEXT://host:9092\nurl: a=b:c\nkey value with spaces = x");
        Assert.Equal("PLAINTEXT://host:9092", p["listeners"]);
        Assert.Equal("a=b:c", p["url"]);
        Assert.Equal("value with spaces = x", p["key"]);
    }

    [Fact]
    public void Comments_and_blank_lines_are_skipped()
    {
        var p = Parse("# comment\n! also a comment\n   # indented comment\n\n   \n\tkey=v # not a comment\n");
        Assert.Equal(["key"], p.Keys);
        Assert.Equal("v # not a comment", p["key"]);
    }

    [Fact]
    public void Trailing_backslash_continues_the_line_without_the_next_lines_indentation()
    {
        var p = Parse("listeners=PLAINTEXT://a:1,\\\n          CONTROLLER://b:2\nnext=1");
        Assert.Equal("PLAINTEXT://a:1,CONTROLLER://b:2", p["listeners"]);
        Assert.Equal("1", p["next"]);
    }

    [Fact]
    public void Even_number_of_trailing_backslashes_is_an_escaped_backslash_not_a_continuation()
    {
        var p = Parse("dir=C:\\\\data\\\\\nnext=1");
        Assert.Equal("C:\\data\\", p["dir"]);
        Assert.Equal("1", p["next"]);
    }

    [Fact]
    public void Comment_lines_do_not_continue()
    {
        var p = Parse("# comment \\\nkey=v");
        Assert.Equal("v", p["key"]);
    }

    [Fact]
    public void Escapes_are_decoded_in_keys_and_values()
    {
        var p = Parse("tab=a\\tb\nnl=a\\nb\nuni=\\u0041\\u00e9\nkey\\ with\\ spaces=v\neq=a\\=b\nco\\:lon=1\nother=\\q");
        Assert.Equal("a\tb", p["tab"]);
        Assert.Equal("a\nb", p["nl"]);
        Assert.Equal("Aé", p["uni"]);
        Assert.Equal("v", p["key with spaces"]);
        Assert.Equal("a=b", p["eq"]);
        Assert.Equal("1", p["co:lon"]);
        Assert.Equal("q", p["other"]);
    }

    [Fact]
    public void Crlf_and_cr_line_endings_are_accepted()
    {
        var p = Parse("a=1\r\nb=2\rc=3");
        Assert.Equal(["1", "2", "3"], [p["a"], p["b"], p["c"]]);
    }

    [Fact]
    public void Malformed_unicode_escape_is_an_error_with_the_line_number()
    {
        var ex = Assert.Throws<ConfigException>(() => JavaProperties.Parse("a=1\nb=\\u12"));
        Assert.Contains("line 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Repeated_key_keeps_the_last_value()
    {
        var config = BrokerConfig.Create(JavaProperties.Parse("num.partitions=2\nnum.partitions=5"));
        Assert.Equal(5, config.Get(BrokerConfigs.NumPartitions));
    }
}
