using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Samsa.Broker.Configuration;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Broker.Tests.Requests;

/// <summary>A broker in this process on a free port and a temporary data dir, stopped and deleted at dispose.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    private readonly string[] _overrides;

    private TestBroker(string dataDir, string[] overrides, BrokerServer server)
    {
        DataDir = dataDir;
        _overrides = overrides;
        Server = server;
    }

    public string DataDir { get; }

    public BrokerServer Server { get; private set; }

    public IPEndPoint Endpoint => Server.Host.Network.BoundEndpoints[0];

    public BrokerServices Services => Server.Services;

    public static async Task<TestBroker> StartAsync(params string[] overrides)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "samsa-broker-test-" + Guid.NewGuid().ToString("N"));
        return new TestBroker(dataDir, overrides, await StartServerAsync(dataDir, overrides));
    }

    public async Task<KafkaConnection> ConnectAsync() => await KafkaConnection.OpenAsync(Endpoint);

    /// <summary>A graceful stop and a new start on the same data dir.</summary>
    public async Task RestartAsync()
    {
        await Server.DisposeAsync();
        Server = await StartServerAsync(DataDir, _overrides);
    }

    public async Task<CreateTopicsResponse> CreateTopicAsync(string name, int partitions = 1, params (string Name, string Value)[] configs)
    {
        using var connection = await ConnectAsync();
        var response = await connection.SendAsync<CreateTopicsResponse>(new CreateTopicsRequest
        {
            Topics =
            [
                new CreateTopicsRequest.CreatableTopic
                {
                    Name = name,
                    NumPartitions = partitions,
                    ReplicationFactor = 1,
                    Configs = [.. configs.Select(c => new CreateTopicsRequest.CreatableTopicConfig { Name = c.Name, Value = c.Value })],
                },
            ],
            timeoutMs = 10_000,
        }, 7);
        Assert.Equal(0, response.Topics[0].ErrorCode);
        return response;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task<BrokerServer> StartServerAsync(string dataDir, string[] overrides)
    {
        var config = BrokerConfig.Load(null, ["listeners=PLAINTEXT://127.0.0.1:0", $"log.dirs={dataDir}", .. overrides]);
        return BrokerServer.StartAsync(config, handleSignals: false);
    }
}

/// <summary>A raw Kafka protocol connection: requests encoded with the generated types, responses decoded the same way.</summary>
internal sealed class KafkaConnection : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private int _correlationId;

    private KafkaConnection(Socket socket) => _socket = socket;

    public static async Task<KafkaConnection> OpenAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(Timeout);
        await socket.ConnectAsync(endpoint, cts.Token);
        return new KafkaConnection(socket);
    }

    public static byte[] Encode(IRequestMessage request, short version, int correlationId, string? clientId = "samsa-test")
    {
        using var writer = new ProtocolWriter();
        RequestFrame.Write(writer, new RequestHeader { RequestApiKey = (short)request.ApiKey, RequestApiVersion = version, CorrelationId = correlationId, ClientId = clientId }, request);
        return writer.ToArray();
    }

    public async Task<TResponse> SendAsync<TResponse>(IRequestMessage request, short version, TimeSpan? timeout = null)
        where TResponse : IResponseMessage
    {
        var correlationId = ++_correlationId;
        await SendRawAsync(Encode(request, version, correlationId));
        var frame = await ReadFrameAsync(timeout) ?? throw new IOException($"the broker closed the connection instead of answering {request.ApiKey} v{version}");
        var (header, body) = ResponseFrame.Read(frame, request.ApiKey, version);
        Assert.Equal(correlationId, header.CorrelationId);
        return (TResponse)body;
    }

    public async Task SendRawAsync(byte[] bytes)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await _socket.SendAsync(bytes, SocketFlags.None, cts.Token);
    }

    public Task SendOnlyAsync(IRequestMessage request, short version) => SendRawAsync(Encode(request, version, ++_correlationId));

    /// <summary>One response frame without its size, or null when the broker closed the connection.</summary>
    public async Task<byte[]?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? Timeout);
        var size = new byte[4];
        if (!await ReadExactlyAsync(size, cts.Token))
        {
            return null;
        }

        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        return await ReadExactlyAsync(body, cts.Token) ? body : null;
    }

    /// <summary>True when the broker closes the connection within the timeout.</summary>
    public async Task<bool> IsClosedAsync(TimeSpan? timeout = null)
    {
        try
        {
            return await ReadFrameAsync(timeout ?? TimeSpan.FromSeconds(10)) is null;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<bool> ReadExactlyAsync(byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        try
        {
            while (read < buffer.Length)
            {
                var n = await _socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
                if (n == 0)
                {
                    return false;
                }

                read += n;
            }
        }
        catch (SocketException)
        {
            return false;
        }

        return true;
    }
}

/// <summary>Record batches and produce requests for tests.</summary>
internal static class Batches
{
    public static byte[] Of(int count, int valueSize = 10, CompressionType compression = CompressionType.None, long producerId = -1, long? timestamp = null, bool nullKeys = false)
    {
        using var builder = new RecordBatchBuilder(new RecordBatchOptions { Compression = compression, ProducerId = producerId, ProducerEpoch = (short)(producerId >= 0 ? 0 : -1), BaseSequence = producerId >= 0 ? 0 : -1 });
        var ts = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var value = new byte[valueSize];
            value.AsSpan().Fill((byte)('a' + (i % 26)));
            builder.Append(ts, nullKeys ? null : System.Text.Encoding.UTF8.GetBytes($"key-{i}"), value);
        }

        return builder.ToArray();
    }

    public static ProduceRequest Produce(string topic, int partition, byte[] batch, short acks = -1) => new()
    {
        Acks = acks,
        TimeoutMs = 10_000,
        TopicData =
        [
            new ProduceRequest.TopicProduceData
            {
                Name = topic,
                PartitionData = [new ProduceRequest.PartitionProduceData { Index = partition, Records = new MemoryRecords(batch) }],
            },
        ],
    };

    public static FetchRequest Fetch(string topic, int partition, long offset, int maxWaitMs = 0, int minBytes = 1, int partitionMaxBytes = 1 << 20, int maxBytes = 50 << 20, Uuid topicId = default) => new()
    {
        ReplicaId = -1,
        MaxWaitMs = maxWaitMs,
        MinBytes = minBytes,
        MaxBytes = maxBytes,
        SessionEpoch = -1,
        Topics =
        [
            new FetchRequest.FetchTopic
            {
                Topic = topic,
                TopicId = topicId,
                Partitions = [new FetchRequest.FetchPartition { Partition = partition, FetchOffset = offset, PartitionMaxBytes = partitionMaxBytes, CurrentLeaderEpoch = -1, LogStartOffset = -1 }],
            },
        ],
    };

    public static byte[] RecordsOf(FetchResponse.PartitionData partition)
    {
        using var writer = new ProtocolWriter();
        partition.Records?.WriteTo(writer);
        return writer.ToArray();
    }
}
