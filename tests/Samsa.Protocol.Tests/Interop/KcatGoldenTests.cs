using Samsa.Protocol.Records;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>The exact requests kcat (librdkafka) sends to produce one message decode and re-encode to the same bytes.</summary>
public class KcatGoldenTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public async Task Kcat_produce_requests_decode_and_re_encode_exactly(CompressionType codec)
    {
        await using var broker = new CaptureBroker($"golden-kcat-{codec}".ToLowerInvariant());
        List<string> arguments =
        [
            "-b", broker.BootstrapServers, "-P", "-t", broker.Topic, "-p", "0",
            "-X", "client.id=samsa-golden-kcat", "-X", "message.timeout.ms=30000",
        ];
        if (codec != CompressionType.None)
        {
            arguments.AddRange(["-z", codec.ToString().ToLowerInvariant()]);
        }

        var (exitCode, text) = await ClientProcess.RunAsync("kcat", arguments, GoldenRequests.Message + "\n", GoldenRequests.ClientTimeout);
        Assert.True(exitCode == 0, $"kcat exited with {exitCode}: {text}");
        GoldenRequests.AssertDecodeAndReEncode(broker, "samsa-golden-kcat", acks: -1, codec, output);
    }
}
