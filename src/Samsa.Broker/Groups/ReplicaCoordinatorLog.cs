using Samsa.Broker.Configuration;
using Samsa.Broker.Partitions;
using Samsa.GroupCoordinator;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Storage;

namespace Samsa.Broker.Groups;

/// <summary>
/// The coordinator's writes: each batch is appended to <c>__consumer_offsets-p</c> through the replica manager as
/// leader in the coordinator's leader epoch, and completes once the high watermark has passed it (acks=all), bounded
/// by <c>offsets.commit.timeout.ms</c>.
/// </summary>
internal sealed class ReplicaCoordinatorLog(ReplicaManager replicas, BrokerConfig config) : ICoordinatorLog
{
    private const short AcksAll = -1;
    private readonly TimeSpan _commitTimeout = TimeSpan.FromMilliseconds(config.Get(BrokerConfigs.OffsetsCommitTimeoutMs));

    public ValueTask<long> AppendAsync(int partition, int leaderEpoch, ReadOnlyMemory<byte> batch, CancellationToken cancellationToken)
    {
        var leader = replicas.Get(new TopicPartition(TopicNames.ConsumerOffsets, partition));
        if (leader is null || !leader.IsLeader || leader.Leadership.LeaderEpoch != leaderEpoch)
        {
            return ValueTask.FromException<long>(new KafkaErrorException(ErrorCode.NotLeaderOrFollower, $"this broker does not lead {TopicNames.ConsumerOffsets}-{partition} in epoch {leaderEpoch}"));
        }

        LogAppendInfo appended;
        try
        {
            // The log patches offsets into the bytes it is given: the coordinator's batch stays untouched.
            appended = leader.AppendAsLeader(batch.ToArray(), AcksAll);
        }
        catch (ReplicaException e)
        {
            return ValueTask.FromException<long>(new KafkaErrorException(e.ErrorCode, e.Message, e));
        }
        catch (StorageException e)
        {
            return ValueTask.FromException<long>(new KafkaErrorException((ErrorCode)e.ErrorCode, e.Message, e));
        }

        return WaitCommittedAsync(leader, appended, cancellationToken);
    }

    private async ValueTask<long> WaitCommittedAsync(Partition leader, LogAppendInfo appended, CancellationToken cancellationToken)
    {
        var error = await leader.WaitForAcksAsync(appended.LastOffset, _commitTimeout, cancellationToken).ConfigureAwait(false);
        return error == ErrorCode.None
            ? appended.FirstOffset
            : throw new KafkaErrorException(error, $"the write to {leader.TopicPartition} at offset {appended.FirstOffset} did not commit: {error.KafkaName()}");
    }
}
