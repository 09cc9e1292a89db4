using System.Text.Json.Nodes;
using Samsa.Protocol.Records;
using Samsa.Protocol.Tests.Records;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>
/// The exact requests kafka-python (Debian's python3-kafka) sends to produce a few records decode and re-encode to
/// the same bytes, and their batches decompress and decode to exactly the records, headers and timestamps it was given.
/// </summary>
public class KafkaPythonGoldenTests(ITestOutputHelper output)
{
    // Debian's interpreter, where python3-kafka and the codec packages are installed; another python3 may come first on PATH.
    private const string Python = "/usr/bin/python3";

    // The records arrive as JSON on stdin (bytes in base64); linger_ms keeps them in one batch, flush() sends it.
    private const string Script = """
        import base64, json, sys
        from kafka import KafkaProducer
        servers, topic, codec = sys.argv[1:4]
        records = json.load(sys.stdin)
        def unb64(s): return None if s is None else base64.b64decode(s)
        producer = KafkaProducer(bootstrap_servers=servers, client_id='samsa-golden-python', acks=1,
                                 compression_type=None if codec == 'none' else codec, linger_ms=200,
                                 request_timeout_ms=20000, max_block_ms=20000)
        futures = [producer.send(topic, key=unb64(r['key']), value=unb64(r['value']), partition=0,
                                 headers=[(h[0], unb64(h[1])) for h in r['headers']], timestamp_ms=r['timestamp'])
                   for r in records]
        producer.flush(timeout=20)
        for f in futures:
            f.get(timeout=20)
        producer.close(timeout=5)
        """;

    /// <summary>
    /// Keyed and keyless records, a tombstone (null value), headers with repeated, empty and binary values, and
    /// timestamps out of order and far from now, which only come back right if the batch's base timestamp and each
    /// record's delta are read as kafka-python wrote them.
    /// </summary>
    private static readonly GoldenRecord[] Records =
    [
        GoldenRecord.Text("user-1", GoldenRequests.Message + "first", 1_700_000_000_000, ("trace-id", "4bf92f3577b34da6"), ("tenant", "acme")),
        GoldenRecord.Text(null, GoldenRequests.Message + "second, keyless", 1_700_000_000_007),
        GoldenRecord.Text("user-1", null, 1_699_999_999_000, ("reason", "deleted"), ("reason", "")),
        new("user-3"u8.ToArray(), "zürich ✓ \0 binary \u00ff"u8.ToArray(), [new("bin", [0x00, 0xFF, 0x80, 0x0A])], 1_234_567_890_123),
        GoldenRecord.Text("user-2", GoldenRequests.Message + "fifth", 1_700_000_086_400_000),
    ];

    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public async Task Kafka_python_produce_requests_decode_re_encode_exactly_and_carry_the_records_it_was_given(CompressionType codec)
    {
        await using var broker = new CaptureBroker($"golden-python-{codec}".ToLowerInvariant());
        var input = new JsonArray([.. Records.Select(ToJson)]).ToJsonString();
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (exitCode, text) = await ClientProcess.RunAsync(
            Python,
            ["-c", Script, broker.BootstrapServers, broker.Topic, codec.ToString().ToLowerInvariant()],
            input,
            GoldenRequests.ClientTimeout);
        var exited = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(exitCode == 0, $"kafka-python exited with {exitCode}: {text}");

        GoldenRequests.AssertDecodeAndReEncode(broker, "samsa-golden-python", acks: 1, codec, output);
        GoldenRequests.AssertRecords(broker, Records, started, exited, output);
    }

    private static JsonObject ToJson(GoldenRecord record) => new()
    {
        ["key"] = Base64(record.Key),
        ["value"] = Base64(record.Value),
        ["headers"] = new JsonArray([.. record.Headers.Select(h => new JsonArray(h.Key, Base64(h.Value)))]),
        ["timestamp"] = record.Timestamp,
    };

    private static string? Base64(byte[]? bytes) => bytes is null ? null : Convert.ToBase64String(bytes);
}
