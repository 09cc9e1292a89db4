using System.Buffers;

namespace Samsa.Client.Network;

/// <summary>
/// A decoded response that still views its frame (a Fetch response's record sets are slices of it). Dispose returns
/// the frame's pooled buffer; the body's record sets are invalid after that.
/// </summary>
internal sealed class ResponseLease<T> : IDisposable
{
    private byte[]? _frame;

    public ResponseLease(T body, byte[] frame)
    {
        Body = body;
        _frame = frame;
    }

    public T Body { get; }

    public void Dispose()
    {
        var frame = Interlocked.Exchange(ref _frame, null);
        if (frame is not null)
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }
}
