using System.Diagnostics;
using Samsa.Cli.Perf;

namespace Samsa.Cli.Tests;

public sealed class ThrottleTests
{
    [Fact]
    public void Without_a_target_it_never_waits()
    {
        var throttle = new Throttle(-1);
        var started = Stopwatch.GetTimestamp();
        throttle.Wait(long.MaxValue / 2, CancellationToken.None);
        Assert.False(throttle.Paces);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_loop_ahead_of_the_target_is_held_until_its_records_are_due()
    {
        var started = Stopwatch.GetTimestamp();
        var throttle = new Throttle(1_000);
        throttle.Wait(60, CancellationToken.None);
        var elapsed = Stopwatch.GetElapsedTime(started);

        // 60 records at 1,000/s are due at 60 ms; the throttle lets the loop run up to a millisecond ahead.
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(59), $"released after {elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void A_cancelled_wait_throws()
    {
        var throttle = new Throttle(1);
        Assert.Throws<OperationCanceledException>(() => throttle.Wait(1_000, new CancellationToken(canceled: true)));
    }
}
