namespace Samsa.GroupCoordinator.Runtime;

/// <summary>
/// A one-shot, reschedulable timer of a shard (a member's session, a group's join or sync deadline). Scheduling and
/// cancelling happen under the shard's lock; expiry runs the action under the same lock, and only if the deadline
/// still stands, so a timer that races with a reschedule does nothing.
/// </summary>
internal sealed class ShardTimer : IDisposable
{
    private const long NotScheduled = long.MaxValue;

    private readonly GroupCoordinatorShard _shard;
    private Action? _onExpire;
    private ITimer? _timer;
    private long _deadline = NotScheduled;

    public ShardTimer(GroupCoordinatorShard shard) => _shard = shard;

    public bool IsScheduled => _deadline != NotScheduled;

    /// <summary>The expiry time in the shard's clock, or <see cref="long.MaxValue"/>.</summary>
    public long Deadline => _deadline;

    public void Schedule(long delayMs, Action onExpire)
    {
        _onExpire = onExpire;
        delayMs = Math.Max(0, delayMs);
        _deadline = _shard.NowMs + delayMs;
        Arm(delayMs);
    }

    public void Cancel()
    {
        _deadline = NotScheduled;
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        _deadline = NotScheduled;
        _timer?.Dispose();
        _timer = null;
    }

    private void Arm(long delayMs)
    {
        _timer ??= _shard.Time.CreateTimer(static state => ((ShardTimer)state!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(TimeSpan.FromMilliseconds(delayMs), Timeout.InfiniteTimeSpan);
    }

    private void Fire() => _shard.RunTimer(this);

    /// <summary>Called by the shard under its lock.</summary>
    internal void ExpireIfDue()
    {
        if (_deadline == NotScheduled)
        {
            return;
        }

        var remaining = _deadline - _shard.NowMs;
        if (remaining > 0)
        {
            // The clock's granularity can make a timer fire a little early: wait for the rest.
            Arm(remaining);
            return;
        }

        _deadline = NotScheduled;
        _onExpire?.Invoke();
    }
}
