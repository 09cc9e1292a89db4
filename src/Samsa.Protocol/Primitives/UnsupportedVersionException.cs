namespace Samsa.Protocol.Primitives;

/// <summary>
/// Raised when a message cannot be encoded at the requested version: the version is outside the
/// schema's range, or a field the version lacks holds a non-default value and is not ignorable (Kafka
/// refuses to drop such a field silently, and so do we).
/// </summary>
public sealed class UnsupportedVersionException : Exception
{
    public UnsupportedVersionException()
    {
    }

    public UnsupportedVersionException(string message)
        : base(message)
    {
    }

    public UnsupportedVersionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
