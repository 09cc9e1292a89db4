using System.Diagnostics;

namespace Samsa.Cli.Perf;

/// <summary>
/// Holds a loop to a target rate (records/s); ≤0 means no limit. Whenever the loop is a millisecond or more ahead it
/// sleeps its thread for a millisecond, so records leave in bursts of about a millisecond's worth. A timer-based
/// delay would wake several milliseconds late and send bursts that long, which a batch's linger.ms then holds back
/// together, so the latencies measured would be the pacing's, not the cluster's.
/// </summary>
internal sealed class Throttle(double perSecond)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(1);
    private long _start;

    public bool Paces => perSecond > 0;

    /// <summary>Runs a paced loop on a thread of its own (<see cref="Wait"/> sleeps it), any other on the caller's.</summary>
    public Task<T> Run<T>(Func<Task<T>> loop) =>
        Paces ? Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap() : loop();

    /// <summary>
    /// What a loop awaits instead of <paramref name="pending"/>: a paced loop blocks on it, so that it stays on the
    /// thread <see cref="Run"/> gave it rather than sleeping a thread-pool thread.
    /// </summary>
    public ValueTask Stay(ValueTask pending)
    {
        if (!Paces || pending.IsCompleted)
        {
            return pending;
        }

        pending.AsTask().GetAwaiter().GetResult();
        return ValueTask.CompletedTask;
    }

    /// <summary>Blocks the calling thread until <paramref name="done"/> records are due.</summary>
    public void Wait(long done, CancellationToken ct)
    {
        if (!Paces)
        {
            return;
        }

        if (_start == 0)
        {
            _start = Stopwatch.GetTimestamp(); // the pace is kept from the first record on
        }

        var due = TimeSpan.FromSeconds(done / perSecond);
        while (due - Stopwatch.GetElapsedTime(_start) >= Step)
        {
            ct.ThrowIfCancellationRequested();
            Thread.Sleep(Step);
        }
    }
}
