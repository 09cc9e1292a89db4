using System.Collections.Concurrent;
using System.Threading.Tasks.Sources;
using Samsa.Client.Errors;

namespace Samsa.Client.Producer;

/// <summary>
/// The pooled completion behind the <see cref="ValueTask{DeliveryResult}"/> that <see cref="KafkaProducer.ProduceAsync"/>
/// returns: reused once its result has been read, so producing a record allocates nothing here.
/// </summary>
internal sealed class DeliveryPromise : IValueTaskSource<DeliveryResult>
{
    private const int MaxPooled = 65_536;
    private static readonly ConcurrentQueue<DeliveryPromise> Pool = new();
    private static int _pooled;
    private ManualResetValueTaskSourceCore<DeliveryResult> _core = new() { RunContinuationsAsynchronously = true };

    public ValueTask<DeliveryResult> Task => new(this, _core.Version);

    public static DeliveryPromise Rent()
    {
        if (Pool.TryDequeue(out var promise))
        {
            Interlocked.Decrement(ref _pooled);
            return promise;
        }

        return new DeliveryPromise();
    }

    public void Succeed(in DeliveryResult result) => _core.SetResult(result);

    public void Fail(KafkaClientException error) => _core.SetException(error);

    public DeliveryResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            if (Interlocked.Increment(ref _pooled) <= MaxPooled)
            {
                Pool.Enqueue(this);
            }
            else
            {
                Interlocked.Decrement(ref _pooled);
            }
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
