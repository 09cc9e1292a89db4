namespace Samsa.Protocol.Primitives;

/// <summary>A generated message or struct: encodes itself at a given schema version.</summary>
public interface IProtocolMessage
{
    void Write(ProtocolWriter writer, short version);
}

/// <summary>A generated message or struct that also decodes itself, for generic code over message types.</summary>
public interface IProtocolMessage<TSelf> : IProtocolMessage
    where TSelf : IProtocolMessage<TSelf>
{
    /// <summary>Decodes one value; a bad encoding raises <see cref="ProtocolDecodeException"/> and nothing else.</summary>
    static abstract TSelf Read(ref ProtocolReader reader, short version);
}
