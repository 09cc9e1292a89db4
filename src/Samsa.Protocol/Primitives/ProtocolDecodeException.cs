namespace Samsa.Protocol.Primitives;

/// <summary>
/// Raised by <see cref="ProtocolReader"/> when bytes cannot be a valid encoding: a length past the end of
/// the frame, a negative size where none is allowed, a varint that does not terminate. It is the only
/// exception decoding raises; the request pipeline turns it into Kafka's error behaviour.
/// </summary>
public sealed class ProtocolDecodeException : Exception
{
    public ProtocolDecodeException()
    {
    }

    public ProtocolDecodeException(string message)
        : base(message)
    {
    }

    public ProtocolDecodeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
