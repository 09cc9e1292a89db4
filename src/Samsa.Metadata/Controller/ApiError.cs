using Samsa.Protocol.Errors;

namespace Samsa.Metadata.Controller;

/// <summary>An error code and Kafka's message for one topic or resource of a controller operation.</summary>
public readonly record struct ApiError(ErrorCode Code, string? Message)
{
    public static readonly ApiError None = new(ErrorCode.None, null);

    public bool IsFailure => Code != ErrorCode.None;

    public static ApiError Of(ErrorCode code) => new(code, code.DefaultMessage());

    public static ApiError Of(ErrorCode code, string message) => new(code, message);
}
