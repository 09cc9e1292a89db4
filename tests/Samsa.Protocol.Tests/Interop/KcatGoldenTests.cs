using Samsa.Protocol.Records;
using Samsa.Protocol.Tests.Records;
using Xunit.Abstractions;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>
/// The exact requests kcat (librdkafka) sends to produce a few records decode and re-encode to the same bytes, and
/// their batches decompress and decode to exactly the records kcat was given.
/// </summary>
public class KcatGoldenTests(ITestOutputHelper output)
{
    /// <summary>
    /// What kcat reads on stdin: one record per line, key and value split at the first '|' (<c>-K '|'</c>), an empty
    /// value sent as null (<c>-Z</c>, kcat's way to produce a tombstone). Every record carries the same headers
    /// (<c>-H</c>); kcat stamps records with the time it sends them.
    /// </summary>
    private static readonly (string Key, string Value)[] Lines =
    [
        ("user-1", GoldenRequests.Message + "first"),
        ("user-2", GoldenRequests.Message + "second, zürich ✓"),
        ("user-1", ""),
        ("user-3", GoldenRequests.Message + "fourth"),
    ];

    private static readonly (string Key, string Value)[] Headers = [("trace-id", "4bf92f3577b34da6"), ("tenant", "acme"), ("empty", ""), ("tenant", "again")];

    [Theory]
    [MemberData(nameof(TestRecords.EveryCodec), MemberType = typeof(TestRecords))]
    public async Task Kcat_produce_requests_decode_re_encode_exactly_and_carry_the_records_kcat_was_given(CompressionType codec)
    {
        await using var broker = new CaptureBroker($"golden-kcat-{codec}".ToLowerInvariant());
        List<string> arguments =
        [
            "-b", broker.BootstrapServers, "-P", "-t", broker.Topic, "-p", "0", "-K", "|", "-Z",
            "-X", "client.id=samsa-golden-kcat", "-X", "message.timeout.ms=30000", "-X", "linger.ms=200",
        ];
        foreach (var (key, value) in Headers)
        {
            arguments.AddRange(["-H", $"{key}={value}"]);
        }

        if (codec != CompressionType.None)
        {
            arguments.AddRange(["-z", codec.ToString().ToLowerInvariant()]);
        }

        var input = string.Concat(Lines.Select(l => $"{l.Key}|{l.Value}\n"));
        var started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (exitCode, text) = await ClientProcess.RunAsync("kcat", arguments, input, GoldenRequests.ClientTimeout);
        var exited = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True(exitCode == 0, $"kcat exited with {exitCode}: {text}");

        GoldenRequests.AssertDecodeAndReEncode(broker, "samsa-golden-kcat", acks: -1, codec, output);
        var expected = Lines.Select(l => GoldenRecord.Text(l.Key, l.Value.Length == 0 ? null : l.Value, null, Headers)).ToList();
        GoldenRequests.AssertRecords(broker, expected, started, exited, output);
    }
}
