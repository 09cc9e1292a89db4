using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Configuration;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Image;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Groups;

/// <summary>
/// Creates <c>__consumer_offsets</c> the first time a client looks for a coordinator, as Kafka does:
/// <c>offsets.topic.num.partitions</c> partitions, <c>offsets.topic.replication.factor</c> capped to the live brokers,
/// compacted, segments of <c>offsets.topic.segment.bytes</c>. One creation in flight at a time; the asker is told
/// COORDINATOR_NOT_AVAILABLE meanwhile and retries.
/// </summary>
public sealed class OffsetsTopicCreator
{
    private readonly IClusterController _controller;
    private readonly BrokerConfig _config;
    private readonly Func<MetadataImage> _image;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Task? _inFlight;

    public OffsetsTopicCreator(IClusterController controller, BrokerConfig config, Func<MetadataImage> image, ILoggerFactory? loggerFactory = null)
    {
        _controller = controller;
        _config = config;
        _image = image;
        _logger = loggerFactory?.CreateLogger<OffsetsTopicCreator>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Starts creating the topic unless it exists or is being created; returns the creation under way, if any.</summary>
    public Task Ensure()
    {
        lock (_lock)
        {
            if (_image().Topics.Get(TopicNames.ConsumerOffsets) is not null)
            {
                return Task.CompletedTask;
            }

            return _inFlight ??= CreateAsync();
        }
    }

    private async Task CreateAsync()
    {
        await Task.Yield();
        try
        {
            var response = await _controller.CreateTopicsAsync(Request(), CancellationToken.None).ConfigureAwait(false);
            var result = response.Topics[0];
            var code = (ErrorCode)result.ErrorCode;
            if (code == ErrorCode.None)
            {
                GroupsLog.OffsetsTopicCreated(_logger, result.NumPartitions, result.ReplicationFactor);
            }
            else if (code != ErrorCode.TopicAlreadyExists)
            {
                GroupsLog.OffsetsTopicCreateFailed(_logger, code.KafkaName(), result.ErrorMessage);
            }
        }
        catch (Exception e) when (e is NotControllerException or OperationCanceledException or IOException or Samsa.Storage.StorageException)
        {
            GroupsLog.OffsetsTopicCreateFailed(_logger, e.GetType().Name, e.Message);
        }
        finally
        {
            lock (_lock)
            {
                _inFlight = null;
            }
        }
    }

    private CreateTopicsRequest Request()
    {
        var liveBrokers = _image().Cluster.Brokers.Values.Count(b => b.IsActive);
        var replicationFactor = (short)Math.Max(1, Math.Min(_config.Get(BrokerConfigs.OffsetsTopicReplicationFactor), liveBrokers));
        return new CreateTopicsRequest
        {
            Topics =
            [
                new CreateTopicsRequest.CreatableTopic
                {
                    Name = TopicNames.ConsumerOffsets,
                    NumPartitions = _config.Get(BrokerConfigs.OffsetsTopicNumPartitions),
                    ReplicationFactor = replicationFactor,
                    Configs =
                    [
                        new() { Name = "cleanup.policy", Value = "compact" },
                        new() { Name = "compression.type", Value = "producer" },
                        new() { Name = "segment.bytes", Value = _config.Get(BrokerConfigs.OffsetsTopicSegmentBytes).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    ],
                },
            ],
        };
    }
}
