using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

/// <summary>
/// Receives every request frame the network server reads and returns its response. The network layer
/// never decodes a frame: it moves bytes, and the dispatcher (the broker's request router) gives them
/// meaning.
/// </summary>
/// <remarks>
/// <para>Calls on one connection never overlap: the server awaits each call and sends its response before it
/// dispatches the next frame of that connection, so responses leave in request order. Calls for different
/// connections run concurrently.</para>
/// <para><c>frame</c> is the request body without its four-byte size prefix (request header
/// first). It is one contiguous pooled buffer that the dispatcher may patch in place (a Produce handler
/// assigns offsets there) and may reference from the response (<see cref="ProtocolWriter.AppendMemory"/>):
/// it stays valid until the response has been sent, then returns to the pool. Nothing may keep it after that.</para>
/// <para>The returned writer holds the response body (response header first) <b>without</b> the size prefix:
/// the server writes the prefix from <see cref="ProtocolWriter.Length"/>, sends the chunks in order and
/// disposes the writer. <c>null</c> means "send nothing" (Produce with acks=0).</para>
/// <para>The call may complete late (a long-poll Fetch waits up to max.wait.ms); no thread is held meanwhile.
/// <c>cancellationToken</c> fires when the connection is gone (peer closed, idle expiry,
/// <see cref="RequestContext.Close"/>, or the end of the shutdown grace period). An exception closes the
/// connection with a log line; it never reaches other connections.</para>
/// </remarks>
public interface IRequestDispatcher
{
    ValueTask<ProtocolWriter?> HandleAsync(RequestContext context, Memory<byte> frame, CancellationToken cancellationToken);
}
