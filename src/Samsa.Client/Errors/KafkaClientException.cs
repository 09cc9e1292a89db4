using Samsa.Protocol.Errors;

namespace Samsa.Client.Errors;

/// <summary>
/// The base of every failure the client raises. <see cref="IsRetriable"/> says whether trying the same operation
/// again may succeed (a leader moved, a connection dropped), which is what the client's own retry loops look at.
/// </summary>
public class KafkaClientException : Exception
{
    public KafkaClientException()
    {
    }

    public KafkaClientException(string message)
        : base(message)
    {
    }

    public KafkaClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public virtual bool IsRetriable => false;
}

/// <summary>
/// A broker answered with one of Kafka's error codes: <see cref="ErrorCode"/> and its Kafka name
/// (<see cref="ErrorName"/>, e.g. <c>TOPIC_ALREADY_EXISTS</c>), with the broker's message when it sent one.
/// </summary>
public class KafkaBrokerException : KafkaClientException
{
    public KafkaBrokerException()
        : this(ErrorCode.UnknownServerError)
    {
    }

    public KafkaBrokerException(string message)
        : this(ErrorCode.UnknownServerError, message)
    {
    }

    public KafkaBrokerException(string message, Exception? innerException)
        : base(message, innerException)
    {
        ErrorCode = ErrorCode.UnknownServerError;
    }

    public KafkaBrokerException(ErrorCode errorCode, string? message = null, string? resource = null)
        : base(Describe(errorCode, message, resource))
    {
        ErrorCode = errorCode;
        Resource = resource;
        BrokerMessage = message;
    }

    public ErrorCode ErrorCode { get; }

    /// <summary>Kafka's name for <see cref="ErrorCode"/>, e.g. <c>UNKNOWN_TOPIC_OR_PARTITION</c>.</summary>
    public string ErrorName => ErrorCodes.IsKnown((short)ErrorCode) ? ErrorCode.KafkaName() : $"UNKNOWN_ERROR_CODE_{(short)ErrorCode}";

    /// <summary>What the error is about (a topic, a partition, a group), when the response said.</summary>
    public string? Resource { get; }

    /// <summary>The error message the broker sent with the code, if any.</summary>
    public string? BrokerMessage { get; }

    public override bool IsRetriable => ErrorCodes.IsKnown((short)ErrorCode) && ErrorCode.IsRetriable();

    /// <summary>Null for <see cref="ErrorCode.None"/>, else an exception for <paramref name="code"/>.</summary>
    public static KafkaBrokerException? FromCode(short code, string? message = null, string? resource = null) =>
        code == 0 ? null : new KafkaBrokerException((ErrorCode)code, message, resource);

    /// <summary>Throws for any code but <see cref="ErrorCode.None"/>.</summary>
    public static void ThrowIfError(short code, string? message = null, string? resource = null)
    {
        if (code != 0)
        {
            throw new KafkaBrokerException((ErrorCode)code, message, resource);
        }
    }

    private static string Describe(ErrorCode code, string? message, string? resource)
    {
        var name = ErrorCodes.IsKnown((short)code) ? code.KafkaName() : $"UNKNOWN_ERROR_CODE_{(short)code}";
        var text = string.IsNullOrEmpty(message)
            ? ErrorCodes.IsKnown((short)code) ? code.DefaultMessage() : "The broker returned an error code this client does not know."
            : message;
        return resource is null ? $"{name} ({(short)code}): {text}" : $"{resource}: {name} ({(short)code}): {text}";
    }
}

/// <summary>No connection could be made to a broker, or an open one failed. Always retriable.</summary>
public sealed class BrokerConnectionException : KafkaClientException
{
    public BrokerConnectionException()
    {
    }

    public BrokerConnectionException(string message)
        : base(message)
    {
    }

    public BrokerConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public override bool IsRetriable => true;
}

/// <summary>A request got no response within <c>request.timeout.ms</c>, or an operation ran past its deadline.</summary>
public sealed class KafkaTimeoutException : KafkaClientException
{
    public KafkaTimeoutException()
    {
    }

    public KafkaTimeoutException(string message)
        : base(message)
    {
    }

    public KafkaTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public override bool IsRetriable => true;
}

/// <summary>The broker and this client share no version of an API the operation needs.</summary>
public sealed class UnsupportedApiException : KafkaClientException
{
    public UnsupportedApiException()
    {
    }

    public UnsupportedApiException(string message)
        : base(message)
    {
    }

    public UnsupportedApiException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A client configuration value is missing, malformed or names a feature this client does not have yet.</summary>
public sealed class ClientConfigException : KafkaClientException
{
    public ClientConfigException()
    {
    }

    public ClientConfigException(string message)
        : base(message)
    {
    }

    public ClientConfigException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A broker's response could not be decoded at the version negotiated: the connection is closed, and retrying would fail the same way.</summary>
public sealed class KafkaProtocolException : KafkaClientException
{
    public KafkaProtocolException()
    {
    }

    public KafkaProtocolException(string message)
        : base(message)
    {
    }

    public KafkaProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
