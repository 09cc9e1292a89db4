namespace Samsa.Protocol.Errors;

/// <summary>
/// A failure that maps to one of Kafka's error codes: the broker answers the request (or the affected
/// partition) with <see cref="ErrorCode"/> instead of failing the connection.
/// </summary>
public sealed class KafkaErrorException : Exception
{
    public KafkaErrorException()
        : this(ErrorCode.UnknownServerError)
    {
    }

    public KafkaErrorException(string message)
        : this(ErrorCode.UnknownServerError, message)
    {
    }

    public KafkaErrorException(string message, Exception innerException)
        : this(ErrorCode.UnknownServerError, message, innerException)
    {
    }

    public KafkaErrorException(ErrorCode errorCode)
        : this(errorCode, errorCode.DefaultMessage())
    {
    }

    public KafkaErrorException(ErrorCode errorCode, string message)
        : base(message)
    {
        ErrorCode = errorCode;
    }

    public KafkaErrorException(ErrorCode errorCode, string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    public ErrorCode ErrorCode { get; }

    public override string ToString() => $"{ErrorCode.KafkaName()}: {base.ToString()}";
}
