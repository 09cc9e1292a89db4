using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

/// <summary>
/// One client connection: reads size-prefixed frames, hands each to the dispatcher, sends the responses
/// in order. A single async loop per connection, no thread of its own. Requests are handled one at a time
/// in arrival order (Kafka's muted channel); reading the next one overlaps sending the previous response.
/// Responses to requests the client pipelined (already complete in the receive buffer) are sent together in
/// one gathered write, except that a ready response is never held back behind a request that waits. Waiting
/// for the next request holds no buffer (a zero-byte receive), so idle connections are cheap.
/// </summary>
// The token source is never disposed: Abort may cancel it from another thread at any time, and a source
// without timers or linked tokens holds nothing that needs disposing.
#pragma warning disable CA1001
internal sealed class Connection
#pragma warning restore CA1001
{
    /// <summary>Holds the size fields and small frames of one receive; larger bodies are read straight into their own buffer.</summary>
    private const int ReceiveBufferSize = 4096;

    private readonly Socket _socket;
    private readonly NetworkServer _server;
    private readonly CancellationTokenSource _aborted = new();
    private readonly Lock _stateLock = new();
    private byte[]? _receiveBuffer;
    private int _start;
    private int _end;
    private int _inFlight;
    private (ProtocolWriter Response, RentedFrame Frame)[]? _batch;
    private int _batchCount;
    private ValueTask _pendingSend;
    private bool _sendPending;
    private bool _closeWhenIdle;
    private volatile bool _dispatching;
    private int _closed;
    private long _lastActivity = Environment.TickCount64;

    public Connection(NetworkServer server, Socket socket, long id, IPEndPoint client, ListenerEndpoint listener, CancellationToken serverStopping)
    {
        _server = server;
        _socket = socket;
        Context = new RequestContext(this, id, client, listener, serverStopping);
        Completion = RunAsync();
    }

    public RequestContext Context { get; }

    /// <summary>Completes when the connection is closed and its buffers are back in the pool; never faults.</summary>
    public Task Completion { get; }

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    /// <summary>Milliseconds since the last byte moved, or 0 while the dispatcher is handling a request (a long poll is not idleness).</summary>
    public long IdleMilliseconds(long now) => _dispatching ? 0 : now - Volatile.Read(ref _lastActivity);

    /// <summary>Closes now; a request being handled sees its cancellation token fire and its response is dropped.</summary>
    public void Abort(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        NetworkLog.Closing(_server.Log, Context.ConnectionId, Context.ClientAddress, reason);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
            // already reset by the peer
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
        try
        {
            _aborted.Cancel();
        }
        catch (AggregateException ex)
        {
            NetworkLog.CancellationCallbackFailed(_server.Log, ex, Context.ConnectionId);
        }
    }

    /// <summary>Graceful stop: close as soon as no request is in flight (now, if none is).</summary>
    public void CloseWhenIdle()
    {
        bool closeNow;
        lock (_stateLock)
        {
            _closeWhenIdle = true;
            closeNow = _inFlight == 0;
        }

        if (closeNow)
        {
            Abort("server stopping");
        }
    }

    private async Task RunAsync()
    {
        // Leave the accept loop at once even if the first request is already waiting.
        await Task.Yield();
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync();
                if (frame.IsEnd)
                {
                    break;
                }

                if (!BeginRequest())
                {
                    frame.Return();
                    break;
                }

                var dispatch = DispatchAsync(frame);
                if (!dispatch.IsCompleted && _batchCount > 0)
                {
                    // Never hold ready responses behind a request that waits (a long poll).
                    await StartSendAsync();
                }

                var response = await dispatch;
                if (response is null || IsClosed)
                {
                    response?.Dispose();
                    frame.Return();
                    EndRequests(1);
                }
                else
                {
                    _batch ??= ArrayPool<(ProtocolWriter, RentedFrame)>.Shared.Rent(SocketSender.MaxFrames);
                    _batch[_batchCount++] = (response, frame);
                }

                // Responses to requests that were already buffered (pipelined) go out together in one write.
                if (_batchCount > 0 && (_batchCount == SocketSender.MaxFrames || !HasWholeFrameBuffered()))
                {
                    await StartSendAsync();
                }
            }

            // A graceful stop may end the loop while responses to requests it already handled wait in the batch.
            if (_batchCount > 0 && !IsClosed)
            {
                await StartSendAsync();
            }

            await FinishSendAsync();
        }
        catch (ConnectionClosingException ex)
        {
            NetworkLog.BadFraming(_server.Log, ex.Level, Context.ConnectionId, Context.ClientAddress, Context.ListenerName, ex.Message);
        }
        catch (Exception ex) when (IsClosed || ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The peer went away or we closed the socket ourselves: nothing to report.
        }
        catch (Exception ex)
        {
            NetworkLog.ConnectionFailed(_server.Log, ex, Context.ConnectionId, Context.ClientAddress);
        }
        finally
        {
            Abort("connection ended");
            await FinishSendAsync();
            ReleaseBatch(_batch, _batchCount);
            _batch = null;
            _batchCount = 0;
            ReturnReceiveBuffer();
            _server.OnConnectionClosed(this);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ProtocolWriter?> DispatchAsync(RentedFrame frame)
    {
        _dispatching = true;
        try
        {
            return await _server.Dispatcher.HandleAsync(Context, frame.Memory, _aborted.Token);
        }
        catch (Exception ex) when (!IsClosed)
        {
            NetworkLog.DispatcherFailed(_server.Log, ex, Context.ConnectionId, Context.ClientAddress);
            Abort("dispatcher failed");
            return null;
        }
        catch (Exception)
        {
            return null;
        }
        finally
        {
            Touch();
            _dispatching = false;
        }
    }

    /// <summary>Waits for the previous send (one at a time on a socket), then starts sending the batch without waiting for it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask StartSendAsync()
    {
        await FinishSendAsync();
        var batch = _batch!;
        var count = _batchCount;
        _batch = null;
        _batchCount = 0;
#pragma warning disable CA2012 // stored to overlap the send with the next read; FinishSendAsync consumes it exactly once
        _pendingSend = SendAndReleaseAsync(batch, count);
#pragma warning restore CA2012
        _sendPending = true;
    }

    private ValueTask FinishSendAsync()
    {
        if (!_sendPending)
        {
            return ValueTask.CompletedTask;
        }

        _sendPending = false;
        return _pendingSend;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAndReleaseAsync((ProtocolWriter Response, RentedFrame Frame)[] batch, int count)
    {
        try
        {
            await SocketSender.SendFramesAsync(_socket, batch, count, _server.Options.FileRegionSender, _aborted.Token);
            Touch();
        }
        catch (FileRegionShortReadException ex)
        {
            NetworkLog.FileRegionShort(_server.Log, Context.ConnectionId, Context.ClientAddress, ex.Message);
            Abort("file region read short");
        }
        catch (Exception ex)
        {
            if (!IsClosed && ex is not (SocketException or ObjectDisposedException or OperationCanceledException))
            {
                NetworkLog.SendFailed(_server.Log, ex, Context.ConnectionId);
            }

            // The reader may be waiting for a request the client will not send until it has this response.
            Abort("send failed");
        }
        finally
        {
            ReleaseBatch(batch, count);
            EndRequests(count);
        }
    }

    private static void ReleaseBatch((ProtocolWriter Response, RentedFrame Frame)[]? batch, int count)
    {
        if (batch is null)
        {
            return;
        }

        for (var i = 0; i < count; i++)
        {
            batch[i].Response.Dispose();
            batch[i].Frame.Return();
        }

        ArrayPool<(ProtocolWriter, RentedFrame)>.Shared.Return(batch, clearArray: true);
    }

    /// <summary>True when the next request is already complete in the receive buffer (the client pipelines).</summary>
    private bool HasWholeFrameBuffered()
    {
        var buffered = _end - _start;
        if (_receiveBuffer is null || buffered < 4)
        {
            return false;
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(_receiveBuffer.AsSpan(_start, 4));
        return size >= 0 && size <= buffered - 4;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<RentedFrame> ReadFrameAsync()
    {
        while (_end - _start < 4)
        {
            if (_end == _start)
            {
                // Wait for readability without holding a buffer: most connections are idle most of the time.
                ReturnReceiveBuffer();
                await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
            }

            var buffer = EnsureReceiveBuffer();
            var n = await _socket.ReceiveAsync(buffer.AsMemory(_end), SocketFlags.None);
            if (n == 0)
            {
                if (_end == _start)
                {
                    return RentedFrame.End;
                }

                throw new ConnectionClosingException($"peer closed the connection inside a size field ({_end - _start} of 4 bytes)", LogLevel.Information);
            }

            _end += n;
            Touch();
        }

        var size = BinaryPrimitives.ReadInt32BigEndian(_receiveBuffer.AsSpan(_start, 4));
        var max = _server.Options.SocketRequestMaxBytes;
        if (size < 0 || size > max)
        {
            throw new ConnectionClosingException($"request size {size} is outside 0..{max} (socket.request.max.bytes)", LogLevel.Warning);
        }

        _start += 4;
        var array = size == 0 ? [] : ArrayPool<byte>.Shared.Rent(size);
        var filled = Math.Min(size, _end - _start);
        _receiveBuffer.AsSpan(_start, filled).CopyTo(array);
        _start += filled;
        if (_start == _end)
        {
            ReturnReceiveBuffer();
        }

        try
        {
            while (filled < size)
            {
                var n = await _socket.ReceiveAsync(array.AsMemory(filled, size - filled), SocketFlags.None);
                if (n == 0)
                {
                    throw new ConnectionClosingException($"peer closed the connection inside a frame ({filled} of {size} bytes)", LogLevel.Information);
                }

                filled += n;
                Touch();
            }
        }
        catch
        {
            new RentedFrame(array, size).Return();
            throw;
        }

        return new RentedFrame(array, size);
    }

    private byte[] EnsureReceiveBuffer()
    {
        if (_receiveBuffer is null)
        {
            _receiveBuffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
            _start = _end = 0;
        }
        else if (_start > 0)
        {
            // Keep the partial size field at the front so the rest of the buffer is free for the next receive.
            _receiveBuffer.AsSpan(_start, _end - _start).CopyTo(_receiveBuffer);
            _end -= _start;
            _start = 0;
        }

        return _receiveBuffer;
    }

    private void ReturnReceiveBuffer()
    {
        if (_receiveBuffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_receiveBuffer);
            _receiveBuffer = null;
        }

        _start = _end = 0;
    }

    private bool BeginRequest()
    {
        lock (_stateLock)
        {
            if (_closeWhenIdle || IsClosed)
            {
                return false;
            }

            _inFlight++;
            return true;
        }
    }

    private void EndRequests(int count)
    {
        bool close;
        lock (_stateLock)
        {
            _inFlight -= count;
            close = _closeWhenIdle && _inFlight == 0;
        }

        if (close)
        {
            Abort("server stopping");
        }
    }

    private void Touch() => Volatile.Write(ref _lastActivity, Environment.TickCount64);
}
