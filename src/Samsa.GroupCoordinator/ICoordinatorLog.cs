namespace Samsa.GroupCoordinator;

/// <summary>
/// Where the coordinator writes its state: partitions of <c>__consumer_offsets</c>, as their leader. The broker
/// implements it with its replica manager; <see cref="InMemoryCoordinatorLog"/> serves tests and benchmarks.
/// </summary>
public interface ICoordinatorLog
{
    /// <summary>
    /// Appends one v2 record batch (built by the coordinator with base offset 0; the log assigns the offsets) to
    /// partition <paramref name="partition"/> of <c>__consumer_offsets</c> as leader in <paramref name="leaderEpoch"/>.
    /// The call must assign the offsets before it returns (appends are ordered as the calls) and must not call back
    /// into the coordinator. The task completes with the batch's base offset once the batch is durable (committed:
    /// below the high watermark, as <c>acks=all</c>), or faults with a <see cref="Samsa.Protocol.Errors.KafkaErrorException"/>
    /// carrying the append's error (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, REQUEST_TIMED_OUT, ...).
    /// </summary>
    ValueTask<long> AppendAsync(int partition, int leaderEpoch, ReadOnlyMemory<byte> batch, CancellationToken cancellationToken);
}
