using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Metadata.Image;
using Samsa.Metadata.Quorum;

namespace Samsa.Metadata.Loader;

/// <summary>
/// Something that acts on metadata changes: the replica manager (logs and leadership), the dynamic config
/// publisher, caches. Called with the delta and the image it produced, in log order, never concurrently.
/// </summary>
public interface IMetadataPublisher
{
    string Name { get; }

    /// <summary>
    /// The image changed. A publisher added after the log was loaded first receives the whole image as a delta from
    /// the empty image (everything created).
    /// </summary>
    void OnMetadataUpdate(MetadataDelta delta, MetadataImage image);
}

/// <summary>
/// The broker's view of the metadata log (Kafka's MetadataLoader): replays committed batches into images and hands
/// each change to the publishers. While the log is being replayed at start, batches accumulate into one delta, so
/// publishers see the caught-up state once rather than every step of history.
/// </summary>
public sealed class MetadataLoader : IMetadataLogListener
{
    private readonly List<IMetadataPublisher> _publishers = [];
    private readonly List<(long Offset, TaskCompletionSource Done)> _waiters = [];
    private readonly Lock _lock = new();
    private readonly ILogger _logger;
    private volatile MetadataImage _image;
    private MetadataDelta? _pending;
    private long _pendingOffset = -1;
    private int _pendingEpoch = -1;
    private bool _caughtUp;

    public MetadataLoader(string clusterId, ILoggerFactory? loggerFactory = null)
    {
        _image = MetadataImage.Empty(clusterId);
        _logger = loggerFactory?.CreateLogger<MetadataLoader>() ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The latest published image. Lock-free: take it once and work with that one.</summary>
    public MetadataImage Image => _image;

    /// <summary>True once the log present at start has been replayed.</summary>
    public bool IsCaughtUp
    {
        get
        {
            lock (_lock)
            {
                return _caughtUp;
            }
        }
    }

    /// <summary>Adds a publisher; if the log is loaded already, it first gets the whole current image.</summary>
    public void AddPublisher(IMetadataPublisher publisher)
    {
        lock (_lock)
        {
            _publishers.Add(publisher);
            if (!_image.IsEmpty)
            {
                Publish(publisher, MetadataDelta.FromImage(_image), _image);
            }
        }
    }

    /// <summary>Completes when the published image has reached <paramref name="offset"/> (a controller write's offset).</summary>
    public Task WaitForOffsetAsync(long offset, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_image.Offset >= offset)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((offset, done));
            return done.Task.WaitAsync(cancellationToken);
        }
    }

    public void HandleCommit(MetadataBatch batch)
    {
        lock (_lock)
        {
            _pending ??= new MetadataDelta(_image);
            foreach (var record in batch.Records)
            {
                _pending.Replay(record);
            }

            _pendingOffset = batch.LastOffset;
            _pendingEpoch = batch.Epoch;
            if (_caughtUp)
            {
                PublishPending();
            }
        }
    }

    public void HandleLeaderChange(LeaderAndEpoch leader)
    {
        lock (_lock)
        {
            if (!_caughtUp)
            {
                _caughtUp = true;
                PublishPending();
                MetadataLog.Loaded(_logger, _image);
            }
        }
    }

    private void PublishPending()
    {
        if (_pending is null)
        {
            return;
        }

        var delta = _pending;
        _pending = null;
        var image = delta.Apply(_pendingOffset, _pendingEpoch);
        _image = image;
        foreach (var publisher in _publishers)
        {
            Publish(publisher, delta, image);
        }

        for (var i = _waiters.Count - 1; i >= 0; i--)
        {
            if (_waiters[i].Offset <= image.Offset)
            {
                _waiters[i].Done.TrySetResult();
                _waiters.RemoveAt(i);
            }
        }
    }

    private void Publish(IMetadataPublisher publisher, MetadataDelta delta, MetadataImage image)
    {
        try
        {
            publisher.OnMetadataUpdate(delta, image);
        }
        catch (Exception e)
        {
            // Kafka counts these as metadata apply faults: the image moves on and the publisher is told the next change.
            MetadataLog.PublisherFailed(_logger, e, publisher.Name, image.Offset);
        }
    }
}
