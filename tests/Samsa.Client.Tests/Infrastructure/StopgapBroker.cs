using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Tests.Infrastructure;

/// <summary>
/// A STOPGAP for the APIs librdkafka's mock cluster lacks: a one-node, in-memory Kafka-protocol listener that answers
/// admin APIs (and Produce/Fetch/ListOffsets, for seeks by timestamp) from the generated message types, enough to
/// check what the client sends and how it reads the answers. It is not a broker and asserts nothing about Kafka's
/// behaviour beyond what each handler states. Tests using it go through <see cref="TestBroker"/>, whose single switch
/// re-points them at a real broker (Samsa, once it exists) without code changes.
/// </summary>
internal sealed partial class StopgapBroker : IAsyncDisposable
{
    public const int NodeId = 1;
    public const string ClusterId = "stopgap-cluster";

    /// <summary>Below this client's v4, so every connection exercises Kafka's UNSUPPORTED_VERSION answer to ApiVersions.</summary>
    public const short MaxApiVersionsVersion = 3;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Lock _lock = new();
    private readonly Task _accept;

    public StopgapBroker()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accept = AcceptAsync();
    }

    public int Port { get; }

    public string Bootstrap => $"127.0.0.1:{Port}";

    /// <summary>Every request decoded, in arrival order (API key and version), for tests that check what was sent.</summary>
    public List<(ApiKey Api, short Version)> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accept;
        }
        catch (Exception)
        {
        }

        Task[] connections;
        lock (_lock)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections.Select(async c =>
        {
            try
            {
                await c;
            }
            catch (Exception)
            {
            }
        }));
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_lock)
            {
                _connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        await using var stream = new NetworkStream(socket);
        var size = new byte[4];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await stream.ReadExactlyAsync(size, _stop.Token);
                var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
                await stream.ReadExactlyAsync(frame, _stop.Token);
                var response = Handle(frame);
                if (response is not null)
                {
                    await stream.WriteAsync(response, _stop.Token);
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or OperationCanceledException or SocketException)
        {
        }
    }

    private byte[]? Handle(byte[] frame)
    {
        var decoded = RequestFrame.Decode(frame);
        var header = decoded.Header!;
        var version = header.RequestApiVersion;
        var api = (ApiKey)header.RequestApiKey;
        if (api == ApiKey.ApiVersions && (decoded.Status == RequestDecodeStatus.UnsupportedVersion || version > MaxApiVersionsVersion))
        {
            // As Kafka: an ApiVersions version the broker does not know is answered at v0 with the error and its own range.
            return Encode(api, 0, header.CorrelationId, new ApiVersionsResponse
            {
                ErrorCode = (short)ErrorCode.UnsupportedVersion,
                ApiKeys = [new ApiVersionsResponse.ApiVersion { ApiKey = (short)ApiKey.ApiVersions, MinVersion = 0, MaxVersion = MaxApiVersionsVersion }],
            });
        }

        if (!decoded.IsSuccess)
        {
            throw new InvalidOperationException($"stopgap broker cannot decode {api} v{version}: {decoded.Error?.Message}");
        }

        lock (_lock)
        {
            Requests.Add((api, version));
            var body = Dispatch(decoded.Body!, version);
            if (body is null)
            {
                return null;
            }

            return Encode(api, version, header.CorrelationId, body);
        }
    }

    private static byte[] Encode(ApiKey api, short version, int correlationId, IResponseMessage body)
    {
        using var writer = new ProtocolWriter();
        ResponseFrame.Write(writer, api, version, correlationId, body);
        return writer.ToArray();
    }
}
