using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Metadata.Controller;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Metadata;

/// <summary>
/// Creates topics that clients ask metadata for (<c>auto.create.topics.enable</c>), as Kafka's
/// AutoTopicCreationManager: with the broker's default partitions and replication factor, in the background, at
/// most one creation per name in flight. The asker is told LEADER_NOT_AVAILABLE meanwhile and retries.
/// </summary>
public sealed class AutoTopicCreator
{
    private readonly IClusterController _controller;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Task> _inFlight = new(StringComparer.Ordinal);

    public AutoTopicCreator(IClusterController controller, ILoggerFactory? loggerFactory = null)
    {
        _controller = controller;
        _logger = loggerFactory?.CreateLogger<AutoTopicCreator>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>Starts creating the topics not already being created; returns the tasks of all of them.</summary>
    public IReadOnlyList<Task> Create(IReadOnlyCollection<string> topics)
    {
        var tasks = new List<Task>(topics.Count);
        foreach (var topic in topics)
        {
            tasks.Add(_inFlight.GetOrAdd(topic, name => CreateOneAsync(name)));
        }

        return tasks;
    }

    private async Task CreateOneAsync(string topic)
    {
        await Task.Yield();
        try
        {
            var response = await _controller.CreateTopicsAsync(new CreateTopicsRequest
            {
                Topics = [new CreateTopicsRequest.CreatableTopic { Name = topic, NumPartitions = -1, ReplicationFactor = -1 }],
            }, CancellationToken.None);
            var result = response.Topics[0];
            var code = (ErrorCode)result.ErrorCode;
            if (code == ErrorCode.None)
            {
                BrokerLog.AutoCreated(_logger, topic);
            }
            else if (code != ErrorCode.TopicAlreadyExists)
            {
                BrokerLog.AutoCreateFailed(_logger, topic, code.KafkaName(), result.ErrorMessage);
            }
        }
        catch (Exception e) when (e is NotControllerException or OperationCanceledException or IOException or Samsa.Storage.StorageException)
        {
            BrokerLog.AutoCreateFailed(_logger, topic, e.GetType().Name, e.Message);
        }
        finally
        {
            _inFlight.TryRemove(topic, out _);
        }
    }
}
