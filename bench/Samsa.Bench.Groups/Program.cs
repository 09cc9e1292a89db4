using System.Diagnostics;
using Samsa.Bench.Groups;

// Consumer groups on a real broker: usage `Samsa.Bench.Groups <samsa binary> [repeats]`. Starts its own broker on
// loopback in a temporary directory (stopped by pid at the end) and prints one line per measurement.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Samsa.Bench.Groups <path to samsa> [repeats]");
    return 2;
}

var repeats = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
await using var broker = await BrokerProcess.StartAsync(args[0]);
var bootstrap = broker.Bootstrap;
Report("stabilise after a join (10 -> 11 members), ms", await Rebalances.JoinAsync(bootstrap, repeats));
Report("stabilise after a leave (11 -> 10 members), ms", await Rebalances.LeaveAsync(bootstrap, repeats));
Report("synchronous offset commits per second, one member", Commits.PerSecond(bootstrap, repeats));
Report("restart, baseline (1 committed offset): start to OffsetFetch answered, ms", await Restarts.MeasureAsync(broker, repeats, "bench-empty", 0));
Report("restart with 100k committed offsets: start to OffsetFetch answered, ms", await Restarts.MeasureAsync(broker, repeats, "bench-offsets", 100_000));
return 0;

static void Report(string what, List<double> samples)
{
    samples.Sort();
    var median = samples[samples.Count / 2];
    Console.WriteLine($"{what}: median {median:F0} (samples {string.Join(", ", samples.Select(s => s.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}); load {File.ReadAllText("/proc/loadavg").Trim()}");
}

namespace Samsa.Bench.Groups
{
    internal static class Clock
    {
        public static double Ms(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
}
