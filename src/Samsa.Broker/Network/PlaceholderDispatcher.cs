using Samsa.Protocol.Primitives;

namespace Samsa.Broker.Network;

/// <summary>
/// PLACEHOLDER until the request router exists: it answers no API and closes every connection that sends
/// a request, so a client sees a closed connection rather than a hang. Replace it with the router.
/// </summary>
public sealed class PlaceholderDispatcher : IRequestDispatcher
{
    public ValueTask<ProtocolWriter?> HandleAsync(RequestContext context, Memory<byte> frame, CancellationToken cancellationToken)
    {
        context.Close("no request router yet (placeholder dispatcher)");
        return ValueTask.FromResult<ProtocolWriter?>(null);
    }
}
