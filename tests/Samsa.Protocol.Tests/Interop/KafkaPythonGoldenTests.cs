using Samsa.Protocol.Records;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>The exact requests kafka-python (Debian's python3-kafka) sends to produce one message decode and re-encode to the same bytes.</summary>
public class KafkaPythonGoldenTests(ITestOutputHelper output)
{
    // Debian's interpreter, where python3-kafka and the codec packages are installed; another python3 may come first on PATH.
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import sys
        from kafka import KafkaProducer
        servers, topic, codec, message = sys.argv[1:5]
        producer = KafkaProducer(bootstrap_servers=servers, client_id='samsa-golden-python', acks=1,
                                 compression_type=None if codec == 'none' else codec,
                                 request_timeout_ms=20000, max_block_ms=20000)
        producer.send(topic, value=message.encode(), partition=0).get(timeout=20)
        producer.close(timeout=5)
        """;

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Kafka_python_produce_requests_decode_and_re_encode_exactly(CompressionType codec)
    {
        await using var broker = new CaptureBroker($"golden-python-{codec}".ToLowerInvariant());
        var (exitCode, text) = await ClientProcess.RunAsync(
            Python,
            ["-c", Script, broker.BootstrapServers, broker.Topic, codec.ToString().ToLowerInvariant(), GoldenRequests.Message],
            null,
            GoldenRequests.ClientTimeout);
        Assert.True(exitCode == 0, $"kafka-python exited with {exitCode}: {text}");
        GoldenRequests.AssertDecodeAndReEncode(broker, "samsa-golden-python", acks: 1, codec, output);
    }
}
