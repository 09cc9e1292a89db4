using System.Globalization;
using System.Text;

namespace Samsa.Broker.Configuration;

/// <summary>
/// Reads the Java <c>.properties</c> format that Kafka's server.properties uses: <c>key=value</c>,
/// <c>key: value</c> or <c>key value</c>; <c>#</c> and <c>!</c> comment lines; a line ending in an odd number
/// of backslashes continues on the next (whose leading white space is dropped); escapes <c>\t \n \r \f
/// \uXXXX</c>, and a backslash before any other character stands for that character.
/// </summary>
public static class JavaProperties
{
    /// <summary>The entries in file order (a key may repeat; the last one wins when applied).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text)
    {
        var entries = new List<KeyValuePair<string, string>>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var firstLine = i + 1;
            var line = lines[i].TrimStart(' ', '\t', '\f');
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var logical = new StringBuilder();
            while (EndsWithContinuation(line) && i + 1 < lines.Length)
            {
                logical.Append(line, 0, line.Length - 1);
                line = lines[++i].TrimStart(' ', '\t', '\f');
            }

            logical.Append(EndsWithContinuation(line) ? line[..^1] : line);
            entries.Add(ParseEntry(logical.ToString(), firstLine));
        }

        return entries;
    }

    private static bool EndsWithContinuation(string line)
    {
        var backslashes = 0;
        for (var j = line.Length - 1; j >= 0 && line[j] == '\\'; j--)
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }

    private static KeyValuePair<string, string> ParseEntry(string line, int lineNumber)
    {
        var keyEnd = 0;
        while (keyEnd < line.Length && line[keyEnd] is not ('=' or ':' or ' ' or '\t' or '\f'))
        {
            keyEnd += line[keyEnd] == '\\' ? 2 : 1;
        }

        keyEnd = Math.Min(keyEnd, line.Length);
        var valueStart = keyEnd;
        while (valueStart < line.Length && line[valueStart] is ' ' or '\t' or '\f')
        {
            valueStart++;
        }

        if (valueStart < line.Length && line[valueStart] is '=' or ':')
        {
            valueStart++;
            while (valueStart < line.Length && line[valueStart] is ' ' or '\t' or '\f')
            {
                valueStart++;
            }
        }

        return new(Unescape(line[..keyEnd], lineNumber), Unescape(line[valueStart..], lineNumber));
    }

    private static string Unescape(string s, int lineNumber)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var result = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 == s.Length)
            {
                result.Append(c);
                continue;
            }

            c = s[++i];
            switch (c)
            {
                case 't': result.Append('\t'); break;
                case 'n': result.Append('\n'); break;
                case 'r': result.Append('\r'); break;
                case 'f': result.Append('\f'); break;
                case 'u':
                    if (i + 4 >= s.Length || !ushort.TryParse(s.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw new ConfigException($"Malformed \\uXXXX escape on line {lineNumber} of the properties file");
                    }

                    result.Append((char)code);
                    i += 4;
                    break;
                default: result.Append(c); break;
            }
        }

        return result.ToString();
    }
}
