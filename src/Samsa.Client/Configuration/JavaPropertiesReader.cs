using System.Globalization;
using System.Text;

namespace Samsa.Client.Configuration;

/// <summary>
/// Reads the Java properties format that Kafka's tools take for <c>--command-config</c> and client property files:
/// <c>key=value</c>, <c>key: value</c> or <c>key value</c>, <c>#</c> and <c>!</c> comments, backslash line
/// continuations and the <c>\t \n \r \f \uXXXX</c> escapes. Later keys override earlier ones, as in Java.
/// </summary>
public static class JavaPropertiesReader
{
    public static Dictionary<string, string> ReadFile(string path)
    {
        try
        {
            return Parse(File.ReadAllText(path));
        }
        catch (IOException e)
        {
            throw new Errors.ClientConfigException($"cannot read client properties file {path}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new Errors.ClientConfigException($"cannot read client properties file {path}: {e.Message}", e);
        }
    }

    public static Dictionary<string, string> Parse(string text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var logical in LogicalLines(text))
        {
            var (key, value) = SplitKeyValue(logical);
            result[Unescape(key)] = Unescape(value);
        }

        return result;
    }

    private static IEnumerable<string> LogicalLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        var continuing = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimStart(' ', '\t', '\f');
            if (!continuing && (line.Length == 0 || line[0] == '#' || line[0] == '!'))
            {
                continue;
            }

            // A line continues when it ends in an odd number of backslashes.
            var trailing = 0;
            for (var i = line.Length - 1; i >= 0 && line[i] == '\\'; i--)
            {
                trailing++;
            }

            continuing = trailing % 2 == 1;
            current.Append(continuing ? line[..^1] : line);
            if (!continuing)
            {
                yield return current.ToString();
                current.Clear();
            }
        }

        if (current.Length > 0)
        {
            yield return current.ToString();
        }
    }

    private static (string Key, string Value) SplitKeyValue(string line)
    {
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }

            if (c is '=' or ':' or ' ' or '\t' or '\f')
            {
                break;
            }

            i++;
        }

        var key = line[..Math.Min(i, line.Length)];
        var rest = i < line.Length ? line[i..] : string.Empty;
        rest = rest.TrimStart(' ', '\t', '\f');
        if (rest.Length > 0 && rest[0] is '=' or ':')
        {
            rest = rest[1..].TrimStart(' ', '\t', '\f');
        }

        return (key, rest);
    }

    private static string Unescape(string s)
    {
        if (!s.Contains('\\', StringComparison.Ordinal))
        {
            return s;
        }

        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length)
            {
                sb.Append(c);
                continue;
            }

            var e = s[++i];
            switch (e)
            {
                case 't': sb.Append('\t'); break;
                case 'n': sb.Append('\n'); break;
                case 'r': sb.Append('\r'); break;
                case 'f': sb.Append('\f'); break;
                case 'u' when i + 4 < s.Length
                    && int.TryParse(s.AsSpan(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    sb.Append((char)code);
                    i += 4;
                    break;
                default: sb.Append(e); break;
            }
        }

        return sb.ToString();
    }
}
