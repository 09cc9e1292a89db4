using System.Globalization;
using System.Xml;
using Samsa.Cli.Common;

namespace Samsa.Cli.Groups;

/// <summary>Where reset-offsets moves each partition, as Kafka's tool names the choices.</summary>
internal abstract record ResetStrategy
{
    public sealed record Earliest : ResetStrategy;

    public sealed record Latest : ResetStrategy;

    public sealed record Current : ResetStrategy;

    public sealed record ToOffset(long Offset) : ResetStrategy;

    public sealed record ShiftBy(long Delta) : ResetStrategy;

    /// <summary>The first offset at or after a time (Unix milliseconds): --to-datetime and --by-duration.</summary>
    public sealed record ToTime(long TimestampMs) : ResetStrategy;

    /// <summary>Exactly one of the strategy flags, else a usage error.</summary>
    public static ResetStrategy Choose(bool earliest, bool latest, bool current, long? offset, long? shift, string? datetime, string? duration, DateTimeOffset now)
    {
        var chosen = new List<ResetStrategy>();
        if (earliest)
        {
            chosen.Add(new Earliest());
        }

        if (latest)
        {
            chosen.Add(new Latest());
        }

        if (current)
        {
            chosen.Add(new Current());
        }

        if (offset is { } o)
        {
            chosen.Add(new ToOffset(o));
        }

        if (shift is { } s)
        {
            chosen.Add(new ShiftBy(s));
        }

        if (datetime is not null)
        {
            chosen.Add(new ToTime(ParseDateTime(datetime).ToUnixTimeMilliseconds()));
        }

        if (duration is not null)
        {
            chosen.Add(new ToTime((now - ParseDuration(duration)).ToUnixTimeMilliseconds()));
        }

        return chosen.Count == 1
            ? chosen[0]
            : throw CliException.Usage("give exactly one of --to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration");
    }

    /// <summary>Kafka's format, YYYY-MM-DDTHH:mm:SS.sss with an optional zone; without one, UTC.</summary>
    public static DateTimeOffset ParseDateTime(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? parsed
            : throw CliException.Usage($"--to-datetime: '{text}' is not a date-time like 2024-01-31T12:00:00.000 (optionally with a zone, +01:00)");

    /// <summary>An ISO-8601 duration such as PT0H5M0S or P1DT2H.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        try
        {
            return XmlConvert.ToTimeSpan(text);
        }
        catch (FormatException)
        {
            throw CliException.Usage($"--by-duration: '{text}' is not an ISO-8601 duration like PT0H5M0S or P1D");
        }
    }
}
