using System.Diagnostics;

namespace Samsa.Cli.Perf;

/// <summary>Holds a loop to a target rate (records/s) by sleeping whenever it runs ahead; ≤0 means no limit.</summary>
internal sealed class Throttle(double perSecond)
{
    private static readonly TimeSpan MinSleep = TimeSpan.FromMilliseconds(2);
    private readonly long _start = Stopwatch.GetTimestamp();

    public ValueTask WaitAsync(long done, CancellationToken ct)
    {
        if (perSecond <= 0)
        {
            return ValueTask.CompletedTask;
        }

        var due = TimeSpan.FromSeconds(done / perSecond);
        var ahead = due - Stopwatch.GetElapsedTime(_start);
        return ahead >= MinSleep ? new ValueTask(Task.Delay(ahead, ct)) : ValueTask.CompletedTask;
    }
}
