using Microsoft.Extensions.Logging;
using Samsa.GroupCoordinator.Records;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.GroupCoordinator;

/// <summary>
/// Rebuilds a shard from its partition's log when this broker becomes the leader: the broker reads the partition
/// from its log start to its end and feeds the bytes here in order (any chunking at batch boundaries), then calls
/// <see cref="Complete"/>. Until then the partition's groups answer COORDINATOR_LOAD_IN_PROGRESS.
/// </summary>
public sealed class CoordinatorPartitionLoader : IDisposable
{
    private readonly GroupCoordinatorShard _shard;
    private readonly ILogger _logger;
    private readonly RecordBatchReader _reader = new();

    // Transactional offset commits wait for their producer's marker (commit applies them, abort drops them).
    private readonly Dictionary<long, List<(CoordinatorRecord Record, long Offset)>> _pendingTransactions = [];

    internal CoordinatorPartitionLoader(GroupCoordinatorShard shard, ILogger logger)
    {
        _shard = shard;
        _logger = logger;
    }

    public int Partition => _shard.Partition;

    public long RecordsLoaded { get; private set; }

    /// <summary>Records skipped: types this coordinator does not keep, or records that do not decode.</summary>
    public long RecordsSkipped { get; private set; }

    /// <summary>Applies whole v2 record batches, in log order; a partial batch at the end is ignored.</summary>
    public void Load(ReadOnlySpan<byte> batches)
    {
        var iterator = new RecordBatchIterator(batches);
        while (iterator.MoveNext())
        {
            var entry = iterator.Current;
            if (!entry.IsCurrentMagic)
            {
                RecordsSkipped++;
                continue;
            }

            LoadBatch(entry.Bytes);
        }
    }

    /// <summary>Ends the load: the shard starts serving and schedules its timers.</summary>
    public void Complete()
    {
        _pendingTransactions.Clear();
        _shard.Activate();
        _logger.LogInformation(
            "Loaded __consumer_offsets-{Partition}: {Records} records, {Skipped} skipped", _shard.Partition, RecordsLoaded, RecordsSkipped);
    }

    public void Dispose() => _reader.Dispose();

    private void LoadBatch(ReadOnlySpan<byte> batch)
    {
        var records = _reader.Read(batch, out var header);
        if (header.IsControl)
        {
            foreach (var record in records)
            {
                var type = ControlRecordKey.ReadType(record.Key);
                if (_pendingTransactions.Remove(header.ProducerId, out var pending) && type == ControlRecordType.Commit)
                {
                    foreach (var (coordinatorRecord, offset) in pending)
                    {
                        _shard.ReplayForLoad(coordinatorRecord, offset);
                    }
                }
            }

            return;
        }

        foreach (var record in records)
        {
            if (record.Key.IsNull)
            {
                RecordsSkipped++;
                continue;
            }

            CoordinatorRecord decoded;
            try
            {
                if (!CoordinatorRecordDecoder.TryDecode(record.Key.Span.ToArray(), record.Value.ToArray(), out decoded))
                {
                    RecordsSkipped++;
                    continue;
                }
            }
            catch (ProtocolDecodeException ex)
            {
                _logger.LogWarning("Skipping undecodable record at offset {Offset} of __consumer_offsets-{Partition}: {Message}", record.Offset, _shard.Partition, ex.Message);
                RecordsSkipped++;
                continue;
            }
            catch (UnsupportedVersionException ex)
            {
                _logger.LogWarning("Skipping record of unknown version at offset {Offset}: {Message}", record.Offset, ex.Message);
                RecordsSkipped++;
                continue;
            }

            if (header.IsTransactional)
            {
                if (!_pendingTransactions.TryGetValue(header.ProducerId, out var list))
                {
                    list = [];
                    _pendingTransactions[header.ProducerId] = list;
                }

                list.Add((decoded, record.Offset));
                continue;
            }

            _shard.ReplayForLoad(decoded, record.Offset);
            RecordsLoaded++;
        }
    }
}
