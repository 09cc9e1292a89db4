using Microsoft.Extensions.Logging;
using Samsa.Broker.Partitions;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;
using Samsa.Protocol.Primitives;
using Samsa.Storage;

namespace Samsa.Broker.Groups;

/// <summary>
/// Follows the leadership of <c>__consumer_offsets</c> in the metadata image: a partition this live broker leads in a
/// new epoch is loaded into the coordinator (in the background, by <see cref="CoordinatorPartitionReader"/>); one it no
/// longer leads, or that was deleted, is resigned. Runs after the replica manager, so the partitions it loads are hosted.
/// </summary>
internal sealed class CoordinatorLeadership : IMetadataPublisher, IAsyncDisposable
{
    private readonly GroupCoordinator.GroupCoordinator _coordinator;
    private readonly int _nodeId;
    private readonly CoordinatorPartitionReader _reader;
    private readonly Dictionary<int, (Uuid TopicId, int Epoch)> _led = [];
    private bool _closed;

    public CoordinatorLeadership(GroupCoordinator.GroupCoordinator coordinator, ReplicaManager replicas, int nodeId, int loadBufferSize, ILogger logger)
    {
        _coordinator = coordinator;
        _nodeId = nodeId;
        _reader = new CoordinatorPartitionReader(coordinator, replicas, loadBufferSize, logger);
    }

    public string Name => nameof(CoordinatorLeadership);

    /// <summary>Completes when every load asked for so far has finished (tests and benchmarks wait on it).</summary>
    public Task Loaded => _reader.Idle;

    public void OnMetadataUpdate(MetadataDelta delta, MetadataImage image)
    {
        lock (_led)
        {
            if (_closed)
            {
                return;
            }

            var wanted = Wanted(image);
            foreach (var (partition, led) in _led.ToList())
            {
                if (!wanted.TryGetValue(partition, out var now) || now != led)
                {
                    _coordinator.Resign(partition, led.Epoch);
                    _led.Remove(partition);
                }
            }

            foreach (var (partition, led) in wanted)
            {
                if (_led.TryAdd(partition, led))
                {
                    _reader.Enqueue(_coordinator.BeginLoad(partition, led.Epoch), led.Epoch, new TopicPartition(TopicNames.ConsumerOffsets, partition), led.TopicId);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_led)
        {
            _closed = true;
        }

        await _reader.DisposeAsync().ConfigureAwait(false);
        _coordinator.Dispose();
    }

    /// <summary>The partitions this broker should coordinate: those it leads while it is a live broker.</summary>
    private Dictionary<int, (Uuid TopicId, int Epoch)> Wanted(MetadataImage image)
    {
        var wanted = new Dictionary<int, (Uuid TopicId, int Epoch)>();
        if (image.Topics.Get(TopicNames.ConsumerOffsets) is { } topic && image.Cluster.IsActive(_nodeId))
        {
            foreach (var (id, registration) in topic.Partitions)
            {
                if (registration.Leader == _nodeId)
                {
                    wanted[id] = (topic.Id, registration.LeaderEpoch);
                }
            }
        }

        return wanted;
    }
}
