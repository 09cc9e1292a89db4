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

        var produce = Assert.Single(requests, r => r.Decoded.Api!.Key == ApiKey.Produce);
        var body = Assert.IsType<ProduceRequest>(produce.Decoded.Body);
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
        Assert.Equal(1, batch.RecordsCount);
        Assert.True(RecordBatchHeader.IsCrcValid(records), "batch CRC");
    }

    private static byte[] ReEncode(DecodedRequest decoded)
    {
        using var writer = new ProtocolWriter();
        decoded.Header!.Write(writer, decoded.HeaderVersion);
        decoded.Body!.Write(writer, decoded.Header.RequestApiVersion);
        return writer.ToArray();
    }
}
