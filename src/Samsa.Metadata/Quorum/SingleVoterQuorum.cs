using System.Buffers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Metadata.Image;
using Samsa.Metadata.Records;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Metadata.Quorum;

/// <summary>
/// The metadata quorum of a single voter: this node alone. The log is a Samsa.Storage <see cref="PartitionLog"/>
/// named <c>__cluster_metadata-0</c> in the metadata log directory; an append is committed once fsynced. At start the
/// whole log is recovered (a torn tail after a crash is cut off at the first bad batch) and replayed to the
/// listeners; then the node elects itself in a new epoch, records it in <c>quorum-state</c> and appends a
/// LeaderChange control record, as a Kafka leader does when it takes over.
/// </summary>
/// <remarks>
/// Snapshots are the next step: a <c>&lt;offset&gt;-&lt;epoch&gt;.checkpoint</c> file in the same directory would be
/// loaded first (a HandleLoadSnapshot callback), the replay would start after it, and the log before it could be
/// deleted.
/// </remarks>
public sealed class SingleVoterQuorum : IMetadataQuorum
{
    public const string TopicName = TopicNames.ClusterMetadata;

    /// <summary>Largest batch accepted in the metadata log; an atomic append must fit in one.</summary>
    public const int MaxBatchBytes = 64 * 1024 * 1024;

    private const int ReadBufferSize = 1024 * 1024;

    private readonly List<IMetadataLogListener> _listeners = [];
    private readonly SemaphoreSlim _appendLock = new(1, 1);
    private readonly string _directory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private PartitionLog? _log;
    private FileStream? _lock;
    private volatile bool _started;
    private LeaderAndEpoch _leader = LeaderAndEpoch.Unknown;
    private long _highWatermark;

    /// <param name="metadataLogDir">The directory that holds <c>__cluster_metadata-0</c> (metadata.log.dir).</param>
    /// <param name="nodeId">This node, the only voter.</param>
    /// <param name="loggerFactory">Logging; none when null.</param>
    /// <param name="time">The clock for batch timestamps.</param>
    public SingleVoterQuorum(string metadataLogDir, int nodeId, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        NodeId = nodeId;
        _directory = Path.Combine(Path.GetFullPath(metadataLogDir), $"{TopicName}-0");
        _time = time ?? TimeProvider.System;
        _logger = loggerFactory?.CreateLogger<SingleVoterQuorum>() ?? (ILogger)NullLogger.Instance;
    }

    public int NodeId { get; }

    public LeaderAndEpoch Leader => _leader;

    public long HighWatermark => Volatile.Read(ref _highWatermark);

    /// <summary>The partition directory of the log.</summary>
    public string Directory => _directory;

    /// <summary>The metadata topic's settings: large batches, no retention (only snapshots may shorten it).</summary>
    public static LogConfig LogConfig { get; } = LogConfig.Default with
    {
        MaxMessageBytes = MaxBatchBytes,
        SegmentBytes = 1024 * 1024 * 1024,
        RetentionMs = -1,
        RetentionBytes = -1,
        MessageTimestampAfterMaxMs = long.MaxValue,
    };

    public void Register(IMetadataLogListener listener)
    {
        if (_started)
        {
            throw new InvalidOperationException("listeners must be registered before the quorum starts");
        }

        _listeners.Add(listener);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _appendLock.WaitAsync(cancellationToken);
        try
        {
            if (_started)
            {
                return;
            }

            AcquireLock();

            // Always a full recovery scan: the metadata log is small, and the replay below reads all of it anyway.
            _log = PartitionLog.Open(_directory, new TopicPartition(TopicName, 0), LogConfig, new PartitionLogOptions
            {
                HadCleanShutdown = false,
                RecoveryPoint = 0,
                Time = _time,
            });
            var lastEpoch = Replay(_log, cancellationToken);
            _log.UpdateHighWatermark(_log.LogEndOffset);
            Volatile.Write(ref _highWatermark, _log.LogEndOffset);
            _started = true;
            BecomeLeader(Math.Max(lastEpoch, QuorumStateFile.ReadEpoch(_directory)) + 1);
        }
        finally
        {
            _appendLock.Release();
        }
    }

    public async ValueTask<long> AppendAsync(int epoch, IReadOnlyList<MetadataRecordAndVersion> records, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(records.Count, nameof(records));
        await _appendLock.WaitAsync(cancellationToken);
        try
        {
            var log = _log ?? throw new NotLeaderException("the metadata quorum has not started");
            if (_leader.LeaderId != NodeId || _leader.Epoch != epoch)
            {
                throw new NotLeaderException($"node {NodeId} does not lead the metadata quorum in epoch {epoch} (leader {_leader.LeaderId}, epoch {_leader.Epoch})");
            }

            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            using var builder = new RecordBatchBuilder(new RecordBatchOptions { PartitionLeaderEpoch = epoch });
            foreach (var record in records)
            {
                builder.Append(now, NullableBytes.Null, MetadataRecordSerde.Serialize(record));
            }

            var info = AppendDurably(log, builder, epoch);
            Deliver(new MetadataBatch(info.FirstOffset, info.LastOffset, epoch, now, records));
            return info.LastOffset;
        }
        finally
        {
            _appendLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _appendLock.WaitAsync();
        try
        {
            if (_log is not null)
            {
                try
                {
                    _log.Flush();
                }
                catch (Exception e) when (e is StorageException or ObjectDisposedException)
                {
                    MetadataLog.ShutdownFlushFailed(_logger, e);
                }

                _log.Close();
                _log = null;
            }

            _lock?.Dispose();
            _lock = null;
            _leader = LeaderAndEpoch.Unknown;
        }
        finally
        {
            _appendLock.Release();
        }
    }

    /// <summary>
    /// One process per metadata log: a second broker on the same directories stops here, before it has touched
    /// anything, whether or not the metadata log dir is also a data dir (whose own <c>.lock</c> the log manager holds).
    /// </summary>
    private void AcquireLock()
    {
        System.IO.Directory.CreateDirectory(_directory);
        try
        {
            _lock = new FileStream(Path.Combine(_directory, ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"the metadata log {_directory} is in use by another process (another broker on the same data directories?)", e);
        }
    }

    private LogAppendInfo AppendDurably(PartitionLog log, RecordBatchBuilder builder, int epoch)
    {
        var buffer = new ArrayBufferWriter<byte>(builder.GetSizeInBytes());
        builder.WriteTo(buffer);
        var info = log.AppendAsLeader(MemoryMarshalHelper.AsWritable(buffer), epoch);
        log.Flush();
        log.UpdateHighWatermark(log.LogEndOffset);
        Volatile.Write(ref _highWatermark, log.LogEndOffset);
        return info;
    }

    private void BecomeLeader(int epoch)
    {
        QuorumStateFile.Write(_directory, NodeId, epoch, [NodeId]);
        _leader = new LeaderAndEpoch(NodeId, epoch);
        AppendLeaderChange(_log!, epoch);
        MetadataLog.BecameLeader(_logger, NodeId, epoch, _log!.LogEndOffset);
        foreach (var listener in _listeners)
        {
            try
            {
                listener.HandleLeaderChange(_leader);
            }
            catch (Exception e)
            {
                MetadataLog.ListenerLeaderChangeFailed(_logger, e, listener.GetType().Name);
            }
        }
    }

    /// <summary>The control record a new leader writes first (Kafka's LeaderChangeMessage): it marks the epoch in the log.</summary>
    private void AppendLeaderChange(PartitionLog log, int epoch)
    {
        var message = new LeaderChangeMessage
        {
            LeaderId = NodeId,
            Voters = [new LeaderChangeMessage.Voter { VoterId = NodeId }],
            GrantingVoters = [new LeaderChangeMessage.Voter { VoterId = NodeId }],
        };
        // The message's own first field is its version, as Kafka's ControlRecordUtils writes it.
        using var value = new ProtocolWriter();
        message.Write(value, 0);
        Span<byte> key = stackalloc byte[ControlRecordKey.Size];
        ControlRecordKey.Write(key, ControlRecordType.LeaderChange);
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { PartitionLeaderEpoch = epoch, IsControl = true });
        builder.Append(_time.GetUtcNow().ToUnixTimeMilliseconds(), key, value.ToArray());
        AppendDurably(log, builder, epoch);
    }

    /// <summary>Delivers every batch of the log to the listeners; returns the last epoch seen (-1 for an empty log).</summary>
    private int Replay(PartitionLog log, CancellationToken cancellationToken)
    {
        var lastEpoch = log.LeaderEpochCache.LatestEpoch;
        var buffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
        var batches = 0;
        try
        {
            using var reader = new RecordBatchReader(MaxBatchBytes * 4);
            var offset = log.LogStartOffset;
            var end = log.LogEndOffset;
            while (offset < end)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var read = log.ReadInto(offset, buffer, end, out var info);
                if (read == 0)
                {
                    // The next batch is larger than the buffer.
                    if (buffer.Length >= MaxBatchBytes)
                    {
                        throw new MetadataParseException($"metadata log batch at offset {offset} is larger than {MaxBatchBytes} bytes");
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                    continue;
                }

                batches += DeliverBatches(buffer.AsMemory(0, read), reader, ref lastEpoch);
                offset = info.NextOffset;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        MetadataLog.Replayed(_logger, batches, log.LogEndOffset);
        return lastEpoch;
    }

    private int DeliverBatches(ReadOnlyMemory<byte> bytes, RecordBatchReader reader, ref int lastEpoch)
    {
        var delivered = 0;
        var position = 0;
        while (position < bytes.Length)
        {
            var span = bytes.Span[position..];
            var header = RecordBatchHeader.Read(span);
            var batch = bytes.Slice(position, header.TotalSize);
            position += header.TotalSize;
            lastEpoch = Math.Max(lastEpoch, header.PartitionLeaderEpoch);
            if (header.IsControl)
            {
                continue;
            }

            var records = new List<MetadataRecordAndVersion>(header.RecordsCount);
            var enumerator = reader.Read(batch.Span);
            while (enumerator.MoveNext())
            {
                var value = enumerator.Current.Value;
                if (value.IsNull)
                {
                    throw new MetadataParseException($"metadata record at offset {enumerator.Current.Offset} has no value");
                }

                records.Add(MetadataRecordSerde.Deserialize(value.Span.ToArray()));
            }

            Deliver(new MetadataBatch(header.BaseOffset, header.LastOffset, header.PartitionLeaderEpoch, header.MaxTimestamp, records), rethrow: true);
            delivered++;
        }

        return delivered;
    }

    private void Deliver(MetadataBatch batch, bool rethrow = false)
    {
        foreach (var listener in _listeners)
        {
            try
            {
                listener.HandleCommit(batch);
            }
            catch (Exception e) when (!rethrow)
            {
                // Committed is committed: a listener that cannot apply a batch is a bug to report, not a reason to stop the others.
                MetadataLog.ListenerCommitFailed(_logger, e, listener.GetType().Name, batch.BaseOffset, batch.LastOffset);
            }
        }
    }
}

internal static class MemoryMarshalHelper
{
    /// <summary>The builder's output as a writable span, for the in-place offset assignment of <see cref="PartitionLog.AppendAsLeader"/>.</summary>
    public static Span<byte> AsWritable(ArrayBufferWriter<byte> buffer) =>
        System.Runtime.InteropServices.MemoryMarshal.AsMemory(buffer.WrittenMemory).Span;
}
