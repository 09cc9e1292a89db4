using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Interop;

/// <summary>One request frame exactly as a client sent it (without the size prefix), and how it decoded.</summary>
internal sealed record CapturedRequest(int Connection, byte[] Frame, DecodedRequest Decoded);

/// <summary>
/// Just enough of a broker on 127.0.0.1 for a client to produce one batch: it answers ApiVersions,
/// Metadata (naming itself leader of partition 0 of every topic asked for) and Produce with generated
/// response types, and records every request frame byte for byte.
/// </summary>
internal sealed class CaptureBroker : IAsyncDisposable
{
    private const int NodeId = 1;
    private const int MaxFrameSize = 16 * 1024 * 1024;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _acceptLoop;
    private int _connectionCount;
    private long _nextOffset;

    public CaptureBroker(string topic)
    {
        Topic = topic;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public string Topic { get; }

    public int Port { get; }

    public string BootstrapServers => $"127.0.0.1:{Port}";

    public ConcurrentQueue<CapturedRequest> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll(_connections.Append(_acceptLoop)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _connections.Add(ServeAsync(client, Interlocked.Increment(ref _connectionCount)));
        }
    }

    private async Task ServeAsync(TcpClient client, int connection)
    {
        using (client)
        {
            var stream = client.GetStream();
            var sizeBytes = new byte[4];
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await stream.ReadExactlyAsync(sizeBytes, _stop.Token);
                    var size = BinaryPrimitives.ReadInt32BigEndian(sizeBytes);
                    if (size < 0 || size > MaxFrameSize)
                    {
                        return;
                    }

                    var frame = new byte[size];
                    await stream.ReadExactlyAsync(frame, _stop.Token);
                    var decoded = RequestFrame.Decode(frame);
                    Requests.Enqueue(new CapturedRequest(connection, frame, decoded));
                    var response = Respond(decoded);
                    if (response is not null)
                    {
                        await stream.WriteAsync(response, _stop.Token);
                    }
                }
            }
            catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or SocketException)
            {
                // The client hung up or the test is over.
            }
        }
    }

    private byte[]? Respond(DecodedRequest request)
    {
        if (request.Header is null || request.Api is null)
        {
            return null;
        }

        var header = request.Header;
        var version = header.RequestApiVersion;
        using var writer = new ProtocolWriter();
        switch (request.Api.Key)
        {
            case ApiKey.ApiVersions when request.Status == RequestDecodeStatus.UnsupportedVersion:
                // As Kafka does: a v0 response with UNSUPPORTED_VERSION and the versions we do support.
                ResponseFrame.Write(writer, ApiKey.ApiVersions, 0, header.CorrelationId, ApiVersions(errorCode: 35));
                break;
            case ApiKey.ApiVersions:
                ResponseFrame.Write(writer, header, ApiVersions(errorCode: 0));
                break;
            case ApiKey.Metadata when request.Body is MetadataRequest metadata:
                ResponseFrame.Write(writer, header, Metadata(metadata, version));
                break;
            case ApiKey.Produce when request.Body is ProduceRequest produce:
                if (produce.Acks == 0)
                {
                    return null;
                }

                ResponseFrame.Write(writer, header, Produce(produce));
                break;
            default:
                return null;
        }

        return writer.ToArray();
    }

    private static ApiVersionsResponse ApiVersions(short errorCode)
    {
        var response = new ApiVersionsResponse { ErrorCode = errorCode };
        foreach (var api in ApiTable.All)
        {
            if ((api.Listeners & ApiListeners.Broker) != 0)
            {
                var highest = api.LatestVersionUnstable ? (short)(api.HighestVersion - 1) : api.HighestVersion;
                response.ApiKeys.Add(new ApiVersionsResponse.ApiVersion { ApiKey = (short)api.Key, MinVersion = api.LowestVersion, MaxVersion = highest });
            }
        }

        return response;
    }

    private MetadataResponse Metadata(MetadataRequest request, short version)
    {
        // All topics: null from v1, an empty list at v0.
        var names = request.Topics is null || (version == 0 && request.Topics.Count == 0)
            ? [Topic]
            : request.Topics.Select(t => t.Name ?? Topic).ToList();
        var response = new MetadataResponse
        {
            Brokers = [new() { NodeId = NodeId, Host = "127.0.0.1", Port = Port }],
            ClusterId = "samsa-golden",
            ControllerId = NodeId,
        };
        foreach (var name in names)
        {
            response.Topics.Add(new MetadataResponse.MetadataResponseTopic
            {
                Name = name,
                TopicId = new Uuid(1, name.Length),
                Partitions = [new() { PartitionIndex = 0, LeaderId = NodeId, LeaderEpoch = 0, ReplicaNodes = [NodeId], IsrNodes = [NodeId] }],
            });
        }

        return response;
    }

    private ProduceResponse Produce(ProduceRequest request)
    {
        var response = new ProduceResponse();
        foreach (var topic in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = topic.Name };
            foreach (var partition in topic.PartitionData)
            {
                topicResponse.PartitionResponses.Add(new() { Index = partition.Index, BaseOffset = Interlocked.Increment(ref _nextOffset) - 1, LogStartOffset = 0 });
            }

            response.Responses.Add(topicResponse);
        }

        return response;
    }
}
