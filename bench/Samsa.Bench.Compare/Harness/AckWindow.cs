namespace Samsa.Bench.Compare.Harness;

/// <summary>
/// Bounds the records handed to a client and not yet acknowledged by the system (the pipelining window),
/// and counts acknowledgements and failures. Drivers call <see cref="Complete"/> from any thread.
/// </summary>
internal sealed class AckWindow : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private long _acked;
    private long _failed;
    private Exception? _firstError;

    public AckWindow(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _slots = new SemaphoreSlim(capacity, capacity);
    }

    public int Capacity { get; }

    public long Acked => Interlocked.Read(ref _acked);

    public long Failed => Interlocked.Read(ref _failed);

    public Exception? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Waits for a free slot; completes synchronously while the window is not full.</summary>
    public Task AcquireAsync(CancellationToken ct) => _slots.WaitAsync(ct);

    /// <summary>Reports the outcome of one record and frees its slot.</summary>
    public void Complete(Exception? error)
    {
        if (error is null)
        {
            Interlocked.Increment(ref _acked);
        }
        else
        {
            Interlocked.Increment(ref _failed);
            Interlocked.CompareExchange(ref _firstError, error, null);
        }

        _slots.Release();
    }

    /// <summary>Gives back a slot that was taken but not used for a record.</summary>
    public void Return() => _slots.Release();

    /// <summary>Reports the outcome of a finished task (the common shape of async client APIs).</summary>
    public void CompleteFrom(Task task) =>
        Complete(task.IsCompletedSuccessfully ? null : (Exception?)task.Exception?.GetBaseException() ?? new OperationCanceledException());

    /// <summary>Waits until every record handed out so far has been acknowledged or failed.</summary>
    public async Task DrainAsync(CancellationToken ct)
    {
        for (var i = 0; i < Capacity; i++)
        {
            await _slots.WaitAsync(ct);
        }

        _slots.Release(Capacity);
    }

    public void Dispose() => _slots.Dispose();
}
