using System.Buffers.Binary;
using Samsa.Broker.Partitions;
using Samsa.Broker.Requests;
using Samsa.Metadata.Image;
using Samsa.Protocol.Buffers;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;
using Samsa.Storage;

namespace Samsa.Broker.Handlers;

/// <summary>
/// Produce (v3-11; listed from v0 as Kafka 4 lists it, KAFKA-18659, but v0-2 close the connection): per partition,
/// the one v2 batch is checked by <see cref="RecordBatchValidator"/> (records decoded only where Kafka's LogValidator
/// needs them: compressed batches, compacted topics, a bounded past-timestamp window, recompression), then appended
/// in place in the request frame, where storage patches offsets and leader epoch. A topic whose
/// <c>compression.type</c> is a codec other than the batch's gets the batch recompressed. acks=all waits for the
/// high watermark with min.insync.replicas; acks=0 sends nothing, and closes the connection on an error so the
/// client notices. Idempotent and transactional batches are refused until those features exist.
/// </summary>
public sealed class ProduceHandler(BrokerServices services) : ApiHandler<ProduceRequest, ProduceResponse>, IAdvertisedVersions
{
    [ThreadStatic]
    private static RecordBatchReader? _threadReader;

    public override ApiKey ApiKey => ApiKey.Produce;

    public override short MinVersion => 3;

    public short AdvertisedMinVersion => 0;

    public override async ValueTask<ProduceResponse?> HandleAsync(ApiRequest<ProduceRequest> request)
    {
        var body = request.Body;
        var image = services.Image;
        var response = new ProduceResponse();
        List<(ProduceResponse.PartitionProduceResponse Response, Partition Partition, long LastOffset)>? waiting = null;
        var failed = false;
        foreach (var topic in body.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            response.Responses.Add(topicResponse);
            foreach (var data in topic.PartitionData)
            {
                var result = Produce(image, topic.Name, data, body, request.Version, out var partition, out var lastOffset);
                topicResponse.PartitionResponses.Add(result);
                failed |= result.ErrorCode != 0;
                if (body.Acks == -1 && partition is not null)
                {
                    (waiting ??= []).Add((result, partition, lastOffset));
                }
            }
        }

        if (waiting is not null)
        {
            var timeout = TimeSpan.FromMilliseconds(Math.Max(0, body.TimeoutMs));
            foreach (var (result, partition, lastOffset) in waiting)
            {
                var error = await partition.WaitForAcksAsync(lastOffset, timeout, request.CancellationToken).ConfigureAwait(false);
                if (error != ErrorCode.None)
                {
                    result.ErrorCode = (short)error;
                }
            }
        }

        if (body.Acks == 0)
        {
            if (failed)
            {
                request.Connection.Close("a Produce with acks=0 failed; closing the connection so the client notices");
            }

            return null;
        }

        return response;
    }

    public override ProduceResponse ErrorResponse(ProduceRequest request, short version, ErrorCode error, string? message)
    {
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
        {
            response.Responses.Add(new ProduceResponse.TopicProduceResponse
            {
                Name = topic.Name,
                PartitionResponses = [.. topic.PartitionData.Select(p => Failed(p.Index, error, version >= 8 ? message : null))],
            });
        }

        return response;
    }

    private static ProduceResponse.PartitionProduceResponse Failed(int partition, ErrorCode error, string? message) => new()
    {
        Index = partition,
        ErrorCode = (short)error,
        BaseOffset = -1,
        LogAppendTimeMs = -1,
        LogStartOffset = -1,
        ErrorMessage = message,
    };

    private ProduceResponse.PartitionProduceResponse Produce(
        MetadataImage image, string topic, ProduceRequest.PartitionProduceData data, ProduceRequest body, short version, out Partition? appended, out long lastOffset)
    {
        appended = null;
        lastOffset = -1;
        var (error, message) = Check(image, topic, data.Index, body, out var partition);
        if (error != ErrorCode.None)
        {
            return Failed(data.Index, error, version >= 8 ? message : null);
        }

        if (data.Records is not MemoryRecords { Length: > 0 } records)
        {
            return Failed(data.Index, ErrorCode.InvalidRecord, version >= 8 ? "a produce request needs one record batch per partition" : null);
        }

        var batch = ProtocolReader.AsWritable(records.Bytes).Span;
        if (batch.Length > RecordBatchHeader.ProducerIdOffset + 8 && BinaryPrimitives.ReadInt64BigEndian(batch[RecordBatchHeader.ProducerIdOffset..]) >= 0)
        {
            return Failed(data.Index, ErrorCode.InvalidProducerIdMapping, version >= 8 ? "idempotent and transactional producers are not supported by this broker yet" : null);
        }

        var config = partition!.Log.Config;
        var settings = partition.Settings;
        var compression = batch.Length > RecordBatchHeader.AttributesOffset + 1
            ? (CompressionType)(batch[RecordBatchHeader.AttributesOffset + 1] & (int)RecordBatchAttributes.CompressionMask)
            : CompressionType.None;
        var recompress = settings.TargetCompression is { } target && target != compression;
        var options = new RecordBatchValidationOptions
        {
            FromClient = true,
            MaxBatchSize = config.MaxMessageBytes,
            DecodeRecords = compression != CompressionType.None || config.IsCompactEnabled || config.MessageTimestampBeforeMaxMs != long.MaxValue || recompress,
            RequireKeys = config.IsCompactEnabled,
            TopicTimestampType = (Protocol.Records.TimestampType)config.MessageTimestampType,
            TimestampBeforeMaxMs = config.MessageTimestampBeforeMaxMs,
            TimestampAfterMaxMs = config.MessageTimestampAfterMaxMs,
            Clock = services.Time,
        };
        var reader = _threadReader ??= new RecordBatchReader();
        var validation = RecordBatchValidator.ValidateProduceRecords(batch, options, reader);
        if (!validation.IsValid)
        {
            var failure = Failed(data.Index, validation.Error, version >= 8 ? validation.Message : null);
            if (validation.RecordIndex >= 0 && version >= 8)
            {
                failure.RecordErrors = [new ProduceResponse.BatchIndexAndErrorMessage { BatchIndex = validation.RecordIndex, BatchIndexErrorMessage = validation.Message }];
            }

            return failure;
        }

        try
        {
            LogAppendInfo info;
            if (recompress)
            {
                using var rebuilt = Recompress(batch[..validation.BatchSize], settings, reader);
                info = partition.AppendAsLeader(rebuilt.WrittenSpanForUpdate, body.Acks);
            }
            else
            {
                info = partition.AppendAsLeader(batch[..validation.BatchSize], body.Acks);
            }

            appended = partition;
            lastOffset = info.LastOffset;
            return new ProduceResponse.PartitionProduceResponse
            {
                Index = data.Index,
                BaseOffset = info.FirstOffset,
                LogAppendTimeMs = info.LogAppendTime,
                LogStartOffset = info.LogStartOffset,
                ErrorMessage = null,
            };
        }
        catch (ReplicaException e)
        {
            return Failed(data.Index, e.ErrorCode, version >= 8 ? e.Message : null);
        }
        catch (StorageException e)
        {
            return Failed(data.Index, (ErrorCode)e.ErrorCode, version >= 8 ? e.Message : null);
        }
    }

    private (ErrorCode, string?) Check(MetadataImage image, string topic, int partitionIndex, ProduceRequest body, out Partition? partition)
    {
        partition = null;
        if (body.Acks is not (0 or 1 or -1))
        {
            return (ErrorCode.InvalidRequiredAcks, $"acks must be 0, 1 or -1, not {body.Acks}");
        }

        if (body.TransactionalId is not null)
        {
            return (ErrorCode.InvalidProducerIdMapping, "transactional producers are not supported by this broker yet");
        }

        if (TopicNames.IsInternal(topic) && image.Topics.Get(topic) is not null)
        {
            return (ErrorCode.InvalidTopicException, $"Cannot append to internal topic {topic}");
        }

        var error = services.Replicas.LeaderFor(image, topic, partitionIndex, out partition);
        return (error, error == ErrorCode.None ? null : error.DefaultMessage());
    }

    /// <summary>The batch's records in a new batch with the topic's codec (Kafka recompresses when compression.type names another codec).</summary>
    private static PooledBufferWriter Recompress(ReadOnlySpan<byte> batch, TopicSettings settings, RecordBatchReader reader)
    {
        var records = reader.Read(batch, out var header);
        using var builder = new RecordBatchBuilder(new RecordBatchOptions
        {
            Compression = settings.TargetCompression!.Value,
            CompressionLevel = settings.CompressionLevel,
            ProducerId = header.ProducerId,
            ProducerEpoch = header.ProducerEpoch,
            BaseSequence = header.BaseSequence,
        });
        while (records.MoveNext())
        {
            var record = records.Current;
            builder.AppendWithOffset(record.Offset, record.Timestamp, record.Key, record.Value, record.Headers);
        }

        var output = new PooledBufferWriter(builder.UncompressedSize);
        builder.WriteTo(output);
        return output;
    }
}
