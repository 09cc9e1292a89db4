using Microsoft.Win32.SafeHandles;
using Samsa.Protocol.Primitives;
using static Samsa.Broker.Tests.Network.NetworkTestKit;

namespace Samsa.Broker.Tests.Network;

public sealed class FileRegionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"samsa-region-{Guid.NewGuid():N}.log");
    private readonly byte[] _content = new byte[700 * 1024];
    private readonly SafeFileHandle _file;

    public FileRegionTests()
    {
        new Random(7).NextBytes(_content);
        File.WriteAllBytes(_path, _content);
        _file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1000, 200_000)]
    [InlineData(3, 700 * 1024 - 3)]
    public async Task Responses_with_file_regions_arrive_byte_exact(int offset, int length)
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
            {
                var writer = new ProtocolWriter();
                writer.WriteInt32(CorrelationId(frame.Span));
                writer.WriteInt32(length);
                writer.AppendFileRegion(_file, offset, length);
                writer.WriteInt16(0x7E7E);
                writer.AppendFileRegion(_file, 0, 10);
                return ValueTask.FromResult<ProtocolWriter?>(writer);
            },
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        await SendAsync(client, [.. Frame(1), .. Frame(2)]);

        byte[] expected = [0, 0, 0, 0, .. BigEndian(length), .. _content.AsSpan(offset, length), 0x7E, 0x7E, .. _content.AsSpan(0, 10)];
        for (var id = 1; id <= 2; id++)
        {
            expected[3] = (byte)id;
            Assert.Equal(expected, await ReadFrameAsync(client));
        }
    }

    [Fact]
    public async Task File_region_that_reads_short_closes_the_connection_without_a_whole_frame()
    {
        var dispatcher = new TestDispatcher
        {
            Handler = (context, frame, token) =>
            {
                var writer = new ProtocolWriter();
                writer.WriteInt32(CorrelationId(frame.Span));
                writer.AppendFileRegion(_file, _content.Length - 100, 5000); // the segment was truncated
                return ValueTask.FromResult<ProtocolWriter?>(writer);
            },
        };
        await using var server = StartServer(dispatcher);
        using var client = await ConnectAsync(server);
        using var other = await ConnectAsync(server);
        await SendAsync(client, Frame(1));
        Assert.Null(await ReadFrameAsync(client));
        await WaitUntilAsync(() => server.ConnectionCount == 1);
    }

    public void Dispose()
    {
        _file.Dispose();
        File.Delete(_path);
    }

    private static byte[] BigEndian(int value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];
}
