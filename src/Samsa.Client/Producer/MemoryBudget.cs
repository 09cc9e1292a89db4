namespace Samsa.Client.Producer;

/// <summary>
/// <c>buffer.memory</c>: bytes of records held by the producer and not yet acknowledged. Appends reserve, completed
/// batches release; an append that does not fit waits for a release.
/// </summary>
internal sealed class MemoryBudget(long limit)
{
    private readonly Lock _lock = new();
    private long _used;
    private TaskCompletionSource? _released;

    public long Used => Interlocked.Read(ref _used);

    public bool TryReserve(long bytes)
    {
        // A single record larger than the whole budget still goes through when nothing else is held, as in Kafka.
        var after = Interlocked.Add(ref _used, bytes);
        if (after <= limit || after == bytes)
        {
            return true;
        }

        Interlocked.Add(ref _used, -bytes);
        return false;
    }

    public void Release(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        Interlocked.Add(ref _used, -bytes);
        TaskCompletionSource? waiters;
        lock (_lock)
        {
            waiters = _released;
            _released = null;
        }

        waiters?.TrySetResult();
    }

    /// <summary>A task that completes at the next release.</summary>
    public Task WaitForReleaseAsync()
    {
        lock (_lock)
        {
            _released ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _released.Task;
        }
    }
}
