using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Messages;

/// <summary>The body of a request (what follows the request header).</summary>
public interface IRequestMessage : IProtocolMessage
{
    ApiKey ApiKey { get; }
}

/// <summary>The body of a response (what follows the response header).</summary>
public interface IResponseMessage : IProtocolMessage
{
    ApiKey ApiKey { get; }
}
