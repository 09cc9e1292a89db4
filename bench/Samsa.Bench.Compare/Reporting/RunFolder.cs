using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Samsa.Bench.Compare.Commands;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Reporting;

/// <summary>What bench/compare.sh left in one run's folder, read back for the report.</summary>
internal sealed partial class RunFolder
{
    public required IReadOnlyList<SystemResult> Systems { get; init; }
    public required IReadOnlyList<SystemStatus> Statuses { get; init; }
    public required IReadOnlyDictionary<string, List<double>> FioMBPerSec { get; init; }
    public required List<double> LoopbackMBPerSec { get; init; }
    public MemCopyResult? MemCopy { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Machine { get; init; }
    public required IReadOnlyList<string> Notes { get; init; }

    public static async Task<RunFolder> LoadAsync(string folder)
    {
        var systems = new List<SystemResult>();
        var systemsDir = Path.Combine(folder, "systems");
        if (Directory.Exists(systemsDir))
        {
            // By name without ".json", so "samsa" comes before "samsa-perf".
            foreach (var file in Directory.GetFiles(systemsDir, "*.json").OrderBy(Path.GetFileNameWithoutExtension, StringComparer.Ordinal))
            {
                if (await Json.ReadAsync<SystemResult>(file) is { } result)
                {
                    systems.Add(result);
                }
            }
        }

        var fio = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var loopback = new List<double>();
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (FioFile().Match(name) is { Success: true } fioMatch && await FioMBPerSecAsync(file) is { } mbps)
            {
                var job = fioMatch.Groups["job"].Value;
                if (!fio.TryGetValue(job, out var list))
                {
                    fio[job] = list = [];
                }

                list.Add(mbps);
            }
            else if (IperfFile().IsMatch(name) && await IperfMBPerSecAsync(file) is { } loop)
            {
                loopback.Add(loop);
            }
        }

        var memcopyPath = Path.Combine(folder, "memcopy.json");
        return new RunFolder
        {
            Systems = systems,
            Statuses = await ReadStatusesAsync(Path.Combine(folder, "status.tsv")),
            FioMBPerSec = fio,
            LoopbackMBPerSec = loopback,
            MemCopy = File.Exists(memcopyPath) ? await Json.ReadAsync<MemCopyResult>(memcopyPath) : null,
            Machine = await ReadPairsAsync(Path.Combine(folder, "machine.txt")),
            Notes = File.Exists(Path.Combine(folder, "notes.txt")) ? await File.ReadAllLinesAsync(Path.Combine(folder, "notes.txt")) : [],
        };
    }

    private static async Task<double?> FioMBPerSecAsync(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(await ReadJsonPartAsync(file));
            var job = doc.RootElement.GetProperty("jobs")[0];
            var write = job.GetProperty("write").GetProperty("bw_bytes").GetDouble();
            var read = job.GetProperty("read").GetProperty("bw_bytes").GetDouble();
            return Math.Max(write, read) / 1e6;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static async Task<double?> IperfMBPerSecAsync(string file)
    {
        try
        {
            using var doc = JsonDocument.Parse(await ReadJsonPartAsync(file));
            return doc.RootElement.GetProperty("end").GetProperty("sum_received").GetProperty("bits_per_second").GetDouble() / 8 / 1e6;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    // fio may print notes before its JSON; start at the first brace.
    private static async Task<string> ReadJsonPartAsync(string file)
    {
        var text = await File.ReadAllTextAsync(file);
        var brace = text.IndexOf('{', StringComparison.Ordinal);
        return brace < 0 ? text : text[brace..];
    }

    private static async Task<List<SystemStatus>> ReadStatusesAsync(string path)
    {
        var list = new List<SystemStatus>();
        if (!File.Exists(path))
        {
            return list;
        }

        foreach (var line in await File.ReadAllLinesAsync(path))
        {
            var f = line.Split('\t');
            if (f.Length >= 6 && !line.StartsWith('#'))
            {
                list.Add(new SystemStatus(f[0], f[1], f[2], f[3], f[4], f[5]));
            }
        }

        return list;
    }

    private static async Task<List<KeyValuePair<string, string>>> ReadPairsAsync(string path)
    {
        var list = new List<KeyValuePair<string, string>>();
        if (File.Exists(path))
        {
            foreach (var line in await File.ReadAllLinesAsync(path))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    list.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
                }
            }
        }

        return list;
    }

    public string MachineValue(string key) => Machine.FirstOrDefault(p => p.Key == key).Value ?? "?";

    public static string Number(double value) =>
        value >= 100 ? value.ToString("N0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);

    [GeneratedRegex("^fio-(?<job>[a-z0-9-]+?)-[0-9]+$")]
    private static partial Regex FioFile();

    [GeneratedRegex("^iperf3-[0-9]+$")]
    private static partial Regex IperfFile();
}

/// <summary>One line of status.tsv: whether compare.sh could start and measure a system, and why not.</summary>
internal sealed record SystemStatus(string Key, string Label, string Status, string Version, string Durability, string Note);
