using Samsa.Broker.Network;
using Samsa.Protocol.Primitives;

namespace Samsa.Network.Benchmarks;

/// <summary>Answers each frame with its own bytes: large frames by reference (as Produce/Fetch would), small ones copied.</summary>
internal sealed class EchoDispatcher : IRequestDispatcher
{
    public ValueTask<ProtocolWriter?> HandleAsync(RequestContext context, Memory<byte> frame, CancellationToken cancellationToken)
    {
        var writer = new ProtocolWriter();
        writer.AppendMemory(frame);
        return ValueTask.FromResult<ProtocolWriter?>(writer);
    }

    /// <summary>The same echo for the Kestrel variant, which has no <see cref="RequestContext"/>.</summary>
    public static ProtocolWriter Echo(Memory<byte> frame)
    {
        var writer = new ProtocolWriter();
        writer.AppendMemory(frame);
        return writer;
    }
}
