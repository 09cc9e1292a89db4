using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>Checks on the requests a real client sent to a <see cref="CaptureBroker"/>.</summary>
internal static class GoldenRequests
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(45);

    /// <summary>Long and repetitive, so every codec shrinks it (librdkafka sends a batch uncompressed when compression does not pay).</summary>
    public static readonly string Message = string.Concat(Enumerable.Repeat("samsa golden request bytes ", 80));

    public static void AssertDecodeAndReEncode(CaptureBroker broker, string clientId, short acks, CompressionType codec, ITestOutputHelper output)
    {
        var requests = broker.Requests.ToArray();
        Assert.NotEmpty(requests);
        output.WriteLine(string.Join(", ", requests.Select(r => $"#{r.Connection} {r.Decoded.Api?.Name} v{r.Decoded.Header?.RequestApiVersion} corr {r.Decoded.Header?.CorrelationId}")));

        foreach (var request in requests)
        {
            Assert.True(request.Decoded.IsSuccess, $"{request.Decoded.Status}: {request.Decoded.Error?.Message} in {Convert.ToHexString(request.Frame)}");
            Assert.Equal(clientId, request.Decoded.Header!.ClientId);
            Assert.Equal(0, request.Decoded.TrailingBytes);
            Assert.Equal(request.Frame, ReEncode(request.Decoded));
        }

        foreach (var connection in requests.GroupBy(r => r.Connection))
        {
            var ids = connection.Select(r => r.Decoded.Header!.CorrelationId).ToList();
            Assert.True(ids.Zip(ids.Skip(1)).All(p => p.Second > p.First), $"correlation ids on connection {connection.Key}: {string.Join(", ", ids)}");
        }

        // Clients ask the first broker they reach for its versions before anything else.
        Assert.Equal(ApiKey.ApiVersions, requests.First(r => r.Connection == 1).Decoded.Api!.Key);

        Assert.Contains(requests, r => r.Decoded.Body is MetadataRequest m && (m.Topics is null || m.Topics.Exists(t => t.Name == broker.Topic)));

        // Every Produce request names the one partition, carries one v2 batch with a valid CRC in the codec asked for.
        var produces = ProduceRequests(broker);
        Assert.NotEmpty(produces);
        foreach (var body in produces)
        {
            Assert.Equal(acks, body.Acks);
            var topic = Assert.Single(body.TopicData);
            Assert.Equal(broker.Topic, topic.Name);
            var partition = Assert.Single(topic.PartitionData);
            Assert.Equal(0, partition.Index);

            var records = Assert.IsType<MemoryRecords>(partition.Records).Bytes.Span;
            var batch = RecordBatchHeader.Read(records);
            Assert.Equal(RecordBatchHeader.CurrentMagic, batch.Magic);
            Assert.Equal(codec, batch.Compression);
            Assert.Equal(records.Length, batch.TotalSize);
            Assert.True(RecordBatchHeader.IsCrcValid(records), "batch CRC");
            var validation = RecordBatchValidator.ValidateProduceRecords(records, RecordBatchValidationOptions.Produce);
            Assert.True(validation.IsValid, $"{validation.Error}: {validation.Message}");
        }
    }

    /// <summary>
    /// Decompresses and decodes every batch the client produced, in the order it sent them, and checks the records
    /// are exactly <paramref name="expected"/>: keys, values and headers byte for byte, CreateTime timestamps equal
    /// to those given, or within [<paramref name="clientStarted"/>, <paramref name="clientExited"/>] where the client
    /// chose them, and offset deltas counting from 0 in each batch.
    /// </summary>
    public static void AssertRecords(CaptureBroker broker, IReadOnlyList<GoldenRecord> expected, long clientStarted, long clientExited, ITestOutputHelper output)
    {
        var actual = new List<string>();
        var timestamps = new List<long>();
        using var reader = new RecordBatchReader();
        foreach (var body in ProduceRequests(broker))
        {
            var records = ((MemoryRecords)body.TopicData[0].PartitionData[0].Records!).Bytes.Span;
            var enumerator = reader.Read(records, out var header);
            Assert.False(header.IsLogAppendTime, "a client sends CreateTime batches");
            Assert.Equal(0, header.BaseOffset);
            output.WriteLine($"batch: {header.Compression}, {header.RecordsCount} records, {records.Length} bytes, producer id {header.ProducerId}");
            var index = 0;
            var maxTimestamp = long.MinValue;
            foreach (var record in enumerator)
            {
                Assert.Equal(index++, record.OffsetDelta);
                actual.Add(GoldenRecord.Describe(record));
                timestamps.Add(record.Timestamp);
                maxTimestamp = Math.Max(maxTimestamp, record.Timestamp);
            }

            Assert.Equal(header.RecordsCount, index);
            Assert.Equal(maxTimestamp, header.MaxTimestamp);
        }

        Assert.Equal(expected.Select(r => r.Describe()), actual);
        for (var i = 0; i < expected.Count; i++)
        {
            if (expected[i].Timestamp is { } given)
            {
                Assert.Equal(given, timestamps[i]);
            }
            else
            {
                Assert.InRange(timestamps[i], clientStarted, clientExited);
            }
        }
    }

    /// <summary>The Produce requests the broker received, in the order the client sent them.</summary>
    private static List<ProduceRequest> ProduceRequests(CaptureBroker broker) =>
        [.. broker.Requests
            .Where(r => r.Decoded.Api?.Key == ApiKey.Produce)
            .OrderBy(r => r.Connection)
            .ThenBy(r => r.Decoded.Header!.CorrelationId)
            .Select(r => Assert.IsType<ProduceRequest>(r.Decoded.Body))];

    private static byte[] ReEncode(DecodedRequest decoded)
    {
        using var writer = new ProtocolWriter();
        decoded.Header!.Write(writer, decoded.HeaderVersion);
        decoded.Body!.Write(writer, decoded.Header.RequestApiVersion);
        return writer.ToArray();
    }
}
