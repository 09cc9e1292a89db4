using Samsa.Cli.Common;
using Samsa.Client.Errors;
using Samsa.Client.Producer;

namespace Samsa.Cli.ProduceConsume;

/// <summary>Counts failed deliveries and keeps the first error, so a producer run can fail with one line after the rest are flushed.</summary>
internal sealed class DeliveryFailures : IDeliveryHandler
{
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public KafkaClientException? First { get; private set; }

    public void OnDelivery(in DeliveryResult result, KafkaClientException? error)
    {
        if (error is not null && Interlocked.Increment(ref _count) == 1)
        {
            First = error;
        }
    }

    /// <summary>The run's failure, if any delivery failed.</summary>
    public void ThrowIfAny(long sent)
    {
        if (First is { } error)
        {
            throw new CliException($"{Count} of {sent} records were not written: {Run.Describe(error).Message}");
        }
    }
}
