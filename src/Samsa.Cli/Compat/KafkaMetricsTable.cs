using System.Globalization;

namespace Samsa.Cli.Compat;

/// <summary>
/// --print-metrics output in the layout of Kafka's tools (group:name:{tags} padded, " : ", the value to 3 decimals,
/// sorted by name). Samsa's client keeps no metrics registry, so the tools print what they measured themselves,
/// under the names of the Kafka client metrics that mean the same.
/// </summary>
internal static class KafkaMetricsTable
{
    public static void Print(TextWriter output, string group, string clientId, IEnumerable<(string Name, double Value)> metrics)
    {
        var rows = metrics.Select(m => (Name: $"{group}:{m.Name}:{{client-id={clientId}}}", m.Value)).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var width = rows.Max(r => r.Name.Length);
        output.WriteLine();
        output.WriteLine($"{"Metric Name".PadRight(width)}   Value");
        foreach (var (name, value) in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name.PadRight(width)} : {value:F3}"));
        }
    }
}
