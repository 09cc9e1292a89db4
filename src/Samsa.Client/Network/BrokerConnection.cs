using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Network;

/// <summary>
/// One TCP connection to one broker. Requests are pipelined (up to <c>max.in.flight.requests.per.connection</c>
/// awaiting responses); Kafka answers them in order on a connection, so responses are matched to the oldest request
/// in flight and its correlation id is checked. A request without a response within its timeout fails, and the
/// connection is closed (as Kafka's clients do: later responses could no longer be trusted to line up).
/// </summary>
internal sealed class BrokerConnection : IAsyncDisposable
{
    /// <summary>The largest response frame accepted; anything bigger means the stream is out of step.</summary>
    private const int MaxResponseSize = 1 << 30;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ConnectionSettings _settings;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly SemaphoreSlim _inFlight;
    private readonly ConcurrentQueue<PendingRequest> _pending = new();
    private readonly ProtocolWriter _writer = new();
    private readonly List<ArraySegment<byte>> _segments = [];
    private readonly Timer _timeoutTimer;
    private Task _receiveLoop = Task.CompletedTask;
    private int _nextCorrelationId;
    private Exception? _failure;

    private BrokerConnection(Socket socket, BrokerAddress address, int nodeId, ConnectionSettings settings)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        Address = address;
        NodeId = nodeId;
        _settings = settings;
        _inFlight = new SemaphoreSlim(settings.MaxInFlight, settings.MaxInFlight);
        Versions = new BrokerApiVersions([]);
        _timeoutTimer = new Timer(static state => ((BrokerConnection)state!).CheckTimeouts(), this, 100, 100);
    }

    public BrokerAddress Address { get; }

    /// <summary>The broker's node id, or -1 for a bootstrap connection whose id is not known yet.</summary>
    public int NodeId { get; }

    /// <summary>What the broker announced in ApiVersions.</summary>
    public BrokerApiVersions Versions { get; private set; }

    /// <summary>The ApiVersions version the negotiation settled on.</summary>
    public short ApiVersionsVersion { get; private set; }

    public bool IsAlive => Volatile.Read(ref _failure) is null;

    public string Name => NodeId >= 0 ? $"{Address} (id {NodeId})" : Address.ToString();

    /// <summary>Requests sent and not yet answered.</summary>
    public int InFlight => _settings.MaxInFlight - _inFlight.CurrentCount;

    /// <summary>Connects, then negotiates API versions. Failures are <see cref="BrokerConnectionException"/>s that say which broker and why.</summary>
    public static async Task<BrokerConnection> ConnectAsync(BrokerAddress address, int nodeId, ConnectionSettings settings, CancellationToken ct)
    {
        var socket = await OpenSocketAsync(address, settings, ct).ConfigureAwait(false);
        var connection = new BrokerConnection(socket, address, nodeId, settings);
        connection._receiveLoop = Task.Run(connection.ReceiveLoopAsync, CancellationToken.None);
        try
        {
            await connection.NegotiateApiVersionsAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends a request at <paramref name="version"/> and decodes its response.</summary>
    public async Task<T> SendAsync<T>(IRequestMessage request, short version, CancellationToken ct, int? timeoutMs = null)
        where T : class, IResponseMessage
    {
        var pending = new DecodedPending<T>(this);
        await SendCoreAsync(request, version, pending, timeoutMs, ct).ConfigureAwait(false);
        return await pending.Task.ConfigureAwait(false);
    }

    /// <summary>Sends a request whose response keeps referencing its frame (Fetch); dispose the lease when done.</summary>
    public async Task<ResponseLease<T>> SendKeepingFrameAsync<T>(IRequestMessage request, short version, CancellationToken ct, int? timeoutMs = null)
        where T : class, IResponseMessage
    {
        var pending = new LeasedPending<T>(this);
        await SendCoreAsync(request, version, pending, timeoutMs, ct).ConfigureAwait(false);
        return await pending.Task.ConfigureAwait(false);
    }

    /// <summary>Sends a request the broker does not answer (Produce with acks=0).</summary>
    public Task SendWithoutResponseAsync(IRequestMessage request, short version, CancellationToken ct) =>
        SendCoreAsync(request, version, null, null, ct);

    /// <summary>Closes now and releases the rest without waiting (for callers that cannot await).</summary>
    public void DisposeInBackground() => _ = DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        Close(new BrokerConnectionException($"connection to broker {Name} was closed by the client"));
        await _timeoutTimer.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The loop reports its failure through the pending requests.
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _writer.Dispose();
    }

    /// <summary>Fails every request in flight with <paramref name="reason"/> and closes the socket. Idempotent.</summary>
    public void Close(Exception reason)
    {
        if (Interlocked.CompareExchange(ref _failure, reason, null) is not null)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        FailPending();
    }

    private static async Task<Socket> OpenSocketAsync(BrokerAddress address, ConnectionSettings settings, CancellationToken ct)
    {
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(address.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(address.Host, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            throw new BrokerConnectionException($"cannot reach broker {address}: cannot resolve host {address.Host} ({Describe(e)})", e);
        }

        if (addresses.Length == 0)
        {
            throw new BrokerConnectionException($"cannot reach broker {address}: host {address.Host} has no address");
        }

        Exception? last = null;
        foreach (var ip in addresses)
        {
            var socket = new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (settings.SendBufferBytes > 0)
                {
                    socket.SendBufferSize = settings.SendBufferBytes;
                }

                if (settings.ReceiveBufferBytes > 0)
                {
                    socket.ReceiveBufferSize = settings.ReceiveBufferBytes;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(settings.ConnectTimeoutMs);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(ip, address.Port), timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    throw new BrokerConnectionException(
                        $"cannot reach broker {address}: connection timed out after {settings.ConnectTimeoutMs} ms (socket.connection.setup.timeout.ms)");
                }

                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = new BrokerConnectionException($"cannot reach broker {address}: {Describe(e)}", e);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    private static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.TimedOut => "connection timed out",
        SocketError.HostNotFound or SocketError.NoData => "unknown host",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.ConnectionReset => "connection reset by peer",
        SocketError.AddressNotAvailable => "address not available",
        _ => e.Message,
    };

    private async Task NegotiateApiVersionsAsync(CancellationToken ct)
    {
        var version = BrokerApiVersions.ClientMaxVersion(ApiTable.Get(ApiKey.ApiVersions));
        while (true)
        {
            var request = new ApiVersionsRequest
            {
                ClientSoftwareName = _settings.SoftwareName,
                ClientSoftwareVersion = _settings.SoftwareVersion,
            };
            var response = await SendAsync<ApiVersionsResponse>(request, version, ct).ConfigureAwait(false);
            if (response.ErrorCode == (short)ErrorCode.UnsupportedVersion && version > 0)
            {
                // The broker names its own ApiVersions range in the answer; without one (or with a body we could not
                // read) step down a version at a time, which ends at v0, the version every broker supports.
                var theirs = response.ApiKeys.Find(static k => k.ApiKey == (short)ApiKey.ApiVersions);
                version = theirs is not null && theirs.MaxVersion < version ? theirs.MaxVersion : (short)(version - 1);
                continue;
            }

            KafkaBrokerException.ThrowIfError(response.ErrorCode, null, $"ApiVersions from broker {Name}");
            var ranges = new List<ApiVersionRange>(response.ApiKeys.Count);
            foreach (var key in response.ApiKeys)
            {
                ranges.Add(new ApiVersionRange((ApiKey)key.ApiKey, key.MinVersion, key.MaxVersion));
            }

            Versions = new BrokerApiVersions(ranges);
            ApiVersionsVersion = version;
            return;
        }
    }

    private async Task SendCoreAsync(IRequestMessage request, short version, PendingRequest? pending, int? timeoutMs, CancellationToken ct)
    {
        // The send lock comes first and is fair (SemaphoreSlim queues waiters in order), so requests go out in the
        // order SendAsync was called, even while waiting for an in-flight slot: pipelined produce relies on it.
        ThrowIfClosed();
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _inFlight.WaitAsync(ct).ConfigureAwait(false);
            var slotHeld = true;
            try
            {
                ThrowIfClosed();
                var correlationId = ++_nextCorrelationId;
                var header = new RequestHeader
                {
                    RequestApiKey = (short)request.ApiKey,
                    RequestApiVersion = version,
                    CorrelationId = correlationId,
                    ClientId = _settings.ClientId,
                };
                _writer.Reset();
                RequestFrame.Write(_writer, header, request);
                if (pending is not null)
                {
                    var timeout = timeoutMs ?? _settings.RequestTimeoutMs;
                    pending.Start(request.ApiKey, version, correlationId, timeout, ct);
                    _pending.Enqueue(pending);
                    slotHeld = false; // the pending request releases it when it completes
                }

                try
                {
                    await WriteChunksAsync(_writer.GetChunks()).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
                {
                    var failure = new BrokerConnectionException($"connection to broker {Name} failed while sending: {e.Message}", e);
                    Close(failure);
                    throw failure;
                }
                finally
                {
                    _writer.Reset();
                }

                if (Volatile.Read(ref _failure) is not null)
                {
                    FailPending();
                }
            }
            finally
            {
                if (slotHeld)
                {
                    _inFlight.Release();
                }
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async ValueTask WriteChunksAsync(IReadOnlyList<OutputChunk> chunks)
    {
        _segments.Clear();
        var total = 0;
        foreach (var chunk in chunks)
        {
            if (chunk.IsFileRegion || !MemoryMarshal.TryGetArray(chunk.Memory, out var segment))
            {
                throw new InvalidOperationException("request frames hold array-backed memory only");
            }

            _segments.Add(segment);
            total += segment.Count;
        }

        var sent = await _socket.SendAsync(_segments, SocketFlags.None).ConfigureAwait(false);
        while (sent < total)
        {
            // A partial send: drop what went out and send the rest.
            var skip = sent;
            while (skip > 0 && _segments.Count > 0 && _segments[0].Count <= skip)
            {
                skip -= _segments[0].Count;
                total -= _segments[0].Count;
                sent -= _segments[0].Count;
                _segments.RemoveAt(0);
            }

            if (skip > 0)
            {
                var first = _segments[0];
                _segments[0] = first.Slice(skip);
                total -= skip;
                sent -= skip;
            }

            sent = await _socket.SendAsync(_segments, SocketFlags.None).ConfigureAwait(false);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var sizeBuffer = new byte[4];
        try
        {
            while (true)
            {
                if (!await ReadExactlyAsync(sizeBuffer).ConfigureAwait(false))
                {
                    Close(new BrokerConnectionException($"broker {Name} closed the connection"));
                    return;
                }

                var size = BinaryPrimitives.ReadInt32BigEndian(sizeBuffer);
                if (size < 4 || size > MaxResponseSize)
                {
                    Close(new BrokerConnectionException($"broker {Name} sent a response frame of {size} bytes; the connection is out of step"));
                    return;
                }

                var frame = ArrayPool<byte>.Shared.Rent(size);
                if (!await ReadExactlyAsync(frame.AsMemory(0, size)).ConfigureAwait(false))
                {
                    ArrayPool<byte>.Shared.Return(frame);
                    Close(new BrokerConnectionException($"broker {Name} closed the connection in the middle of a response"));
                    return;
                }

                if (!_pending.TryDequeue(out var pending))
                {
                    ArrayPool<byte>.Shared.Return(frame);
                    Close(new BrokerConnectionException($"broker {Name} sent a response to no request"));
                    return;
                }

                var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame);
                if (correlationId != pending.CorrelationId)
                {
                    ArrayPool<byte>.Shared.Return(frame);
                    var failure = new BrokerConnectionException(
                        $"broker {Name} answered correlation id {correlationId} where {pending.CorrelationId} was expected");
                    pending.Fail(failure);
                    Close(failure);
                    return;
                }

                pending.Complete(frame, size);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            Close(new BrokerConnectionException($"connection to broker {Name} failed: {e.Message}", e));
        }
    }

    private async ValueTask<bool> ReadExactlyAsync(Memory<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[read..]).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private void CheckTimeouts()
    {
        if (!IsAlive)
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        foreach (var pending in _pending)
        {
            if (!pending.IsDone && now > pending.Deadline)
            {
                var timeout = new KafkaTimeoutException(
                    $"{pending.ApiKey} request to broker {Name} timed out after {pending.TimeoutMs} ms (request.timeout.ms)");
                pending.Fail(timeout);
                Close(new BrokerConnectionException($"connection to broker {Name} was closed after a {pending.ApiKey} request timed out", timeout));
                return;
            }
        }
    }

    private void FailPending()
    {
        var failure = Volatile.Read(ref _failure) ?? new BrokerConnectionException($"connection to broker {Name} is closed");
        var toThrow = failure as KafkaClientException ?? new BrokerConnectionException($"connection to broker {Name} is closed: {failure.Message}", failure);
        while (_pending.TryDequeue(out var pending))
        {
            pending.Fail(toThrow);
        }
    }

    private void ThrowIfClosed()
    {
        var failure = Volatile.Read(ref _failure);
        if (failure is not null)
        {
            throw failure as KafkaClientException ?? new BrokerConnectionException($"connection to broker {Name} is closed", failure);
        }
    }

    /// <summary>A request awaiting its response; completes exactly once and then gives back its in-flight slot.</summary>
    private abstract class PendingRequest(BrokerConnection connection)
    {
        private int _done;
        private CancellationTokenRegistration _cancellation;

        public ApiKey ApiKey { get; private set; }

        public short Version { get; private set; }

        public int CorrelationId { get; private set; }

        public int TimeoutMs { get; private set; }

        public long Deadline { get; private set; }

        public bool IsDone => Volatile.Read(ref _done) != 0;

        public void Start(ApiKey apiKey, short version, int correlationId, int timeoutMs, CancellationToken ct)
        {
            ApiKey = apiKey;
            Version = version;
            CorrelationId = correlationId;
            TimeoutMs = timeoutMs;
            Deadline = Stopwatch.GetTimestamp() + (long)timeoutMs * Stopwatch.Frequency / 1000;
            if (ct.CanBeCanceled)
            {
                _cancellation = ct.UnsafeRegister(static (state, token) => ((PendingRequest)state!).Cancel(token), this);
            }
        }

        /// <summary>Takes ownership of <paramref name="frame"/> (a pooled array).</summary>
        public void Complete(byte[] frame, int length)
        {
            if (!TryFinish())
            {
                ArrayPool<byte>.Shared.Return(frame);
                return;
            }

            try
            {
                OnResponse(frame, length);
            }
            catch (Exception e)
            {
                if (e is ProtocolDecodeException)
                {
                    var error = new KafkaProtocolException($"cannot decode the {ApiKey} v{Version} response of broker {connection.Name}: {e.Message}", e);
                    OnFailure(error);
                    connection.Close(new BrokerConnectionException($"connection to broker {connection.Name} was closed after an undecodable response", error));
                }
                else
                {
                    OnFailure(e);
                }
            }
        }

        public void Fail(Exception error)
        {
            if (TryFinish())
            {
                OnFailure(error);
            }
        }

        protected abstract void OnResponse(byte[] frame, int length);

        protected abstract void OnFailure(Exception error);

        protected abstract void OnCancel(CancellationToken token);

        protected IResponseMessage Decode(byte[] frame, int length)
        {
            var memory = frame.AsMemory(0, length);

            // A broker answers an ApiVersions version it does not know with UNSUPPORTED_VERSION in a v0 body (some
            // implementations in another layout): read what can be read; the caller only needs the error code then.
            if (ApiKey == ApiKey.ApiVersions && length >= 6
                && BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(4)) == (short)ErrorCode.UnsupportedVersion)
            {
                try
                {
                    return ResponseFrame.Read(memory, ApiKey, 0).Body;
                }
                catch (ProtocolDecodeException)
                {
                    return new ApiVersionsResponse { ErrorCode = (short)ErrorCode.UnsupportedVersion };
                }
            }

            return ResponseFrame.Read(memory, ApiKey, Version).Body;
        }

        private void Cancel(CancellationToken token)
        {
            if (TryFinish())
            {
                OnCancel(token);
            }
        }

        private bool TryFinish()
        {
            if (Interlocked.Exchange(ref _done, 1) != 0)
            {
                return false;
            }

            _cancellation.Dispose();
            connection._inFlight.Release();
            return true;
        }
    }

    private sealed class DecodedPending<T>(BrokerConnection connection) : PendingRequest(connection)
        where T : class, IResponseMessage
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _tcs.Task;

        protected override void OnResponse(byte[] frame, int length)
        {
            try
            {
                _tcs.TrySetResult((T)Decode(frame, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(frame);
            }
        }

        protected override void OnFailure(Exception error) => _tcs.TrySetException(error);

        protected override void OnCancel(CancellationToken token) => _tcs.TrySetCanceled(token);
    }

    private sealed class LeasedPending<T>(BrokerConnection connection) : PendingRequest(connection)
        where T : class, IResponseMessage
    {
        private readonly TaskCompletionSource<ResponseLease<T>> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ResponseLease<T>> Task => _tcs.Task;

        protected override void OnResponse(byte[] frame, int length)
        {
            T body;
            try
            {
                body = (T)Decode(frame, length);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(frame);
                throw;
            }

            var lease = new ResponseLease<T>(body, frame);
            if (!_tcs.TrySetResult(lease))
            {
                lease.Dispose();
            }
        }

        protected override void OnFailure(Exception error) => _tcs.TrySetException(error);

        protected override void OnCancel(CancellationToken token) => _tcs.TrySetCanceled(token);
    }
}
