using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Metadata.Image;
using Samsa.Metadata.Quorum;
using Samsa.Metadata.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.MetadataRecords;

namespace Samsa.Metadata.Controller;

/// <summary>The controller cannot serve the request: it is not the active controller (yet, or any more).</summary>
public sealed class NotControllerException : Exception
{
    public NotControllerException()
        : base(ErrorCode.NotController.DefaultMessage())
    {
    }

    public NotControllerException(string message)
        : base(message)
    {
    }

    public NotControllerException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The active controller (Kafka's QuorumController): turns requests into metadata records and appends them through
/// the quorum. Every mutation runs alone, in arrival order: it decides against the image of everything committed,
/// appends its records atomically, and answers once they are committed and replayed, so the next one sees them.
/// The controller keeps its own image, replayed from the committed log like any listener's.
/// </summary>
public sealed class QuorumController : IClusterController, IMetadataLogListener, IDisposable
{
    private readonly IMetadataQuorum _quorum;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _stateLock = new();
    private readonly List<(long Offset, TaskCompletionSource Done)> _waiters = [];
    private MetadataImage _image;
    private MetadataDelta? _pending;
    private long _pendingOffset = -1;
    private int _pendingEpoch = -1;
    private LeaderAndEpoch _leader = LeaderAndEpoch.Unknown;

    /// <summary>Creates the controller and registers it with <paramref name="quorum"/> (before the quorum starts).</summary>
    public QuorumController(IMetadataQuorum quorum, string clusterId, ControllerOptions options, ILoggerFactory? loggerFactory = null)
    {
        _quorum = quorum;
        _options = options;
        _image = MetadataImage.Empty(clusterId);
        _logger = loggerFactory?.CreateLogger<QuorumController>() ?? (ILogger)NullLogger.Instance;
        quorum.Register(this);
    }

    /// <summary>The controller's image: everything committed and replayed.</summary>
    public MetadataImage Image
    {
        get
        {
            lock (_stateLock)
            {
                return _image;
            }
        }
    }

    public bool IsActive
    {
        get
        {
            lock (_stateLock)
            {
                return _leader.LeaderId == _options.NodeId;
            }
        }
    }

    /// <summary>
    /// Writes the bootstrap records when the log has none (the metadata.version feature level, as Kafka's
    /// bootstrap.checkpoint does on a newly formatted cluster). Call after the quorum has started.
    /// </summary>
    public Task BootstrapAsync(CancellationToken cancellationToken) => RunAsync(image =>
        image.Features.MetadataVersionLevel != 0
            ? ControllerResult.Of(false)
            : new ControllerResult<bool>(
                [MetadataRecordAndVersion.Of(new FeatureLevelRecord { Name = MetadataVersion.FeatureName, FeatureLevel = MetadataVersion.LatestLevel })],
                true),
        cancellationToken);

    public Task<CreateTopicsResponse> CreateTopicsAsync(CreateTopicsRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ReplicationControl.CreateTopics(image, request, _options), cancellationToken);

    public Task<List<DeleteTopicsResponse.DeletableTopicResult>> DeleteTopicsAsync(IReadOnlyList<DeleteTopicsRequest.DeleteTopicState> topics, CancellationToken cancellationToken) =>
        RunAsync(image => ReplicationControl.DeleteTopics(image, topics, _options), cancellationToken);

    public Task<CreatePartitionsResponse> CreatePartitionsAsync(CreatePartitionsRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ReplicationControl.CreatePartitions(image, request), cancellationToken);

    public Task<IncrementalAlterConfigsResponse> IncrementalAlterConfigsAsync(IncrementalAlterConfigsRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ConfigurationControl.IncrementalAlter(image, request, _options.ConfigSchema), cancellationToken);

    public Task<AlterConfigsResponse> LegacyAlterConfigsAsync(AlterConfigsRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ConfigurationControl.LegacyAlter(image, request, _options.ConfigSchema), cancellationToken);

    public Task<AllocateProducerIdsResponse> AllocateProducerIdsAsync(AllocateProducerIdsRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ClusterControl.AllocateProducerIds(image, request, _options.ProducerIdBlockSize), cancellationToken);

    public Task<BrokerRegistrationResponse> RegisterBrokerAsync(BrokerRegistrationRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ClusterControl.Register(image, request, _quorum.HighWatermark), cancellationToken);

    public Task<BrokerHeartbeatResponse> BrokerHeartbeatAsync(BrokerHeartbeatRequest request, CancellationToken cancellationToken) =>
        RunAsync(image => ClusterControl.Heartbeat(image, request), cancellationToken);

    public void Dispose() => _gate.Dispose();

    public void HandleCommit(MetadataBatch batch)
    {
        lock (_stateLock)
        {
            _pending ??= new MetadataDelta(_image);
            foreach (var record in batch.Records)
            {
                _pending.Replay(record);
            }

            _pendingOffset = batch.LastOffset;
            _pendingEpoch = batch.Epoch;
            if (_leader.HasLeader)
            {
                ApplyPending();
            }
        }
    }

    public void HandleLeaderChange(LeaderAndEpoch leader)
    {
        lock (_stateLock)
        {
            _leader = leader;
            ApplyPending();
        }

        if (leader.LeaderId == _options.NodeId)
        {
            MetadataLog.ActiveController(_logger, _options.NodeId, leader.Epoch);
        }
    }

    /// <summary>
    /// Runs one operation alone: decides against the committed image, appends the records, waits until they are
    /// replayed. An operation that throws answers with that exception; nothing is written for it.
    /// </summary>
    private async Task<T> RunAsync<T>(Func<MetadataImage, ControllerResult<T>> operation, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            MetadataImage image;
            LeaderAndEpoch leader;
            lock (_stateLock)
            {
                image = _image;
                leader = _leader;
            }

            if (leader.LeaderId != _options.NodeId)
            {
                throw new NotControllerException($"node {_options.NodeId} is not the active controller (leader {leader.LeaderId})");
            }

            var result = operation(image);
            if (result.Records.Count > 0)
            {
                var offset = await _quorum.AppendAsync(leader.Epoch, result.Records, cancellationToken);
                await WaitForReplayAsync(offset);
            }

            return result.Response;
        }
        catch (NotLeaderException e)
        {
            throw new NotControllerException(e.Message, e);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task WaitForReplayAsync(long offset)
    {
        lock (_stateLock)
        {
            if (_image.Offset >= offset)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, done));
            return done.Task;
        }
    }

    private void ApplyPending()
    {
        if (_pending is null)
        {
            return;
        }

        _image = _pending.Apply(_pendingOffset, _pendingEpoch);
        _pending = null;
        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Offset <= _image.Offset)
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }
}
