using Samsa.Protocol.Errors;

namespace Samsa.Broker.Partitions;

/// <summary>A partition cannot serve a request here, with the Kafka error code to answer (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS...).</summary>
public sealed class ReplicaException : Exception
{
    public ReplicaException()
        : this(ErrorCode.UnknownServerError, ErrorCode.UnknownServerError.DefaultMessage())
    {
    }

    public ReplicaException(string message)
        : this(ErrorCode.UnknownServerError, message)
    {
    }

    public ReplicaException(string message, Exception inner)
        : base(message, inner)
    {
        ErrorCode = ErrorCode.UnknownServerError;
    }

    public ReplicaException(ErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    public ErrorCode ErrorCode { get; }
}
