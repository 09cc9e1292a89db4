using System.CommandLine;
using System.Diagnostics;
using Samsa.Bench.Compare.Harness;

namespace Samsa.Bench.Compare.Commands;

/// <summary>
/// <c>memcopy</c>: single-threaded memory copy bandwidth between two buffers far larger than the CPU caches,
/// the ceiling for any path that copies record bytes once.
/// </summary>
internal static class MemCopyCommand
{
    public static Command Create()
    {
        var mib = new Option<int>("--mib") { Description = "size of each buffer in MiB", DefaultValueFactory = _ => 256 };
        var seconds = new Option<double>("--seconds") { Description = "duration of each repeat", DefaultValueFactory = _ => 2 };
        var repeats = new Option<int>("--repeats") { Description = "repeats", DefaultValueFactory = _ => 3 };
        var outJson = new Option<string>("--out-json") { Description = "where to write the result", Required = true };
        var command = new Command("memcopy", "Measure memory copy bandwidth (one thread, buffers larger than the caches)")
        {
            mib, seconds, repeats, outJson,
        };
        command.SetAction(async (parse, ct) =>
        {
            var result = Measure(parse.GetValue(mib), parse.GetValue(seconds), parse.GetValue(repeats));
            await Json.WriteAsync(parse.GetValue(outJson)!, result);
            await Console.Error.WriteLineAsync($"memory copy: {result.MBPerSec!.Median:N0} MB/s (median of {result.Runs.Count})");
            return 0;
        });
        return command;
    }

    private static MemCopyResult Measure(int mib, double seconds, int repeats)
    {
        var size = mib * 1024 * 1024;
        var source = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        var target = GC.AllocateUninitializedArray<byte>(size, pinned: true);
        new Random(1).NextBytes(source);
        Array.Fill(target, (byte)1);
        source.AsSpan().CopyTo(target);

        var runs = new List<double>();
        for (var r = 0; r < Math.Max(1, repeats); r++)
        {
            long copied = 0;
            var start = Stopwatch.GetTimestamp();
            var stopAt = start + (long)(seconds * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                source.AsSpan().CopyTo(target);
                copied += size;
            }

            runs.Add(copied / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e6);
        }

        return new MemCopyResult(mib, seconds, runs, Spread.Of(runs));
    }
}

/// <summary>Copy bandwidth in MB/s (10^6 bytes copied per second; each byte is read once and written once).</summary>
internal sealed record MemCopyResult(int BufferMiB, double Seconds, List<double> Runs, Spread? MBPerSec);
