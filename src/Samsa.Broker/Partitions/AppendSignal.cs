namespace Samsa.Broker.Partitions;

/// <summary>
/// Wakes long polls when a partition changes (an append, a high watermark move, a leadership change). A waiter
/// takes <see cref="Next"/> <b>before</b> it looks at the partition, so a change between its look and its wait is
/// never missed. One completion source exists only while someone waits, shared by all waiters.
/// </summary>
public sealed class AppendSignal
{
    private TaskCompletionSource? _next;

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task Next()
    {
        var current = Volatile.Read(ref _next);
        if (current is not null)
        {
            return current.Task;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return (Interlocked.CompareExchange(ref _next, created, null) ?? created).Task;
    }

    public void Notify()
    {
        if (Volatile.Read(ref _next) is null)
        {
            return;
        }

        Interlocked.Exchange(ref _next, null)?.TrySetResult();
    }
}
