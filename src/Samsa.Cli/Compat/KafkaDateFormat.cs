using System.Globalization;
using System.Text;
using Samsa.Cli.Common;

namespace Samsa.Cli.Compat;

/// <summary>
/// A java.text.SimpleDateFormat pattern (--date-format), in local time: the letters y M d H h k K m s S E a D u Z X,
/// 'quoted text' and '' for a quote; other letters are refused.
/// </summary>
internal sealed class KafkaDateFormat
{
    private readonly List<(char Letter, int Count, string? Literal)> _tokens = [];

    public KafkaDateFormat(string pattern)
    {
        for (var i = 0; i < pattern.Length;)
        {
            var c = pattern[i];
            if (c == '\'')
            {
                i = Quoted(pattern, i);
            }
            else if (char.IsAsciiLetter(c))
            {
                var end = i;
                while (end < pattern.Length && pattern[end] == c)
                {
                    end++;
                }

                _tokens.Add("yMdHhkKmsSEaDuZX".Contains(c, StringComparison.Ordinal) ? (c, end - i, null) : throw CliException.Usage($"--date-format: pattern letter '{c}' is not supported"));
                i = end;
            }
            else
            {
                _tokens.Add(('\0', 0, c.ToString()));
                i++;
            }
        }
    }

    public string Format(long unixMs)
    {
        var time = DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime();
        var text = new StringBuilder();
        foreach (var (letter, count, literal) in _tokens)
        {
            text.Append(literal ?? Field(time, letter, count));
        }

        return text.ToString();
    }

    private int Quoted(string pattern, int start)
    {
        if (start + 1 < pattern.Length && pattern[start + 1] == '\'')
        {
            _tokens.Add(('\0', 0, "'"));
            return start + 2;
        }

        var close = pattern.IndexOf('\'', start + 1);
        close = close < 0 ? pattern.Length : close;
        _tokens.Add(('\0', 0, pattern[(start + 1)..close]));
        return close + 1;
    }

    private static string Field(DateTimeOffset time, char letter, int count)
    {
        string Number(int value) => value.ToString(CultureInfo.InvariantCulture).PadLeft(count, '0');
        var culture = CultureInfo.InvariantCulture;
        return letter switch
        {
            'y' => count == 2 ? (time.Year % 100).ToString("00", culture) : Number(time.Year),
            'M' => count >= 4 ? time.ToString("MMMM", culture) : count == 3 ? time.ToString("MMM", culture) : Number(time.Month),
            'd' => Number(time.Day),
            'H' => Number(time.Hour),
            'h' => Number(time.Hour % 12 == 0 ? 12 : time.Hour % 12),
            'k' => Number(time.Hour == 0 ? 24 : time.Hour),
            'K' => Number(time.Hour % 12),
            'm' => Number(time.Minute),
            's' => Number(time.Second),
            'S' => Number(time.Millisecond),
            'E' => time.ToString(count >= 4 ? "dddd" : "ddd", culture),
            'a' => time.Hour < 12 ? "AM" : "PM",
            'D' => Number(time.DayOfYear),
            'u' => Number(time.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)time.DayOfWeek),
            _ => Zone(time.Offset, letter, count),
        };
    }

    private static string Zone(TimeSpan offset, char letter, int count)
    {
        if (letter == 'X' && offset == TimeSpan.Zero)
        {
            return "Z";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var hours = Math.Abs(offset.Hours).ToString("00", CultureInfo.InvariantCulture);
        var minutes = Math.Abs(offset.Minutes).ToString("00", CultureInfo.InvariantCulture);
        return letter == 'Z' || count == 2 ? $"{sign}{hours}{minutes}" : count == 1 ? $"{sign}{hours}" : $"{sign}{hours}:{minutes}";
    }
}
