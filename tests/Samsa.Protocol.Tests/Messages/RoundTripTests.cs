using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>Every generated type at every valid version, with random field values: write, read, write again.</summary>
public class RoundTripTests
{
    private const int ValuesPerVersion = 4;

    [Theory]
    [MemberData(nameof(MessageCatalog.Names), MemberType = typeof(MessageCatalog))]
    public void Random_values_round_trip_at_every_version(string typeName)
    {
        var message = MessageCatalog.Get(typeName);
        foreach (var version in message.Versions)
        {
            var random = new Random(HashCode.Combine(typeName.Length, typeName[^1], version));
            var builder = new RandomMessageBuilder(random);
            for (var i = 0; i < ValuesPerVersion; i++)
            {
                var original = (IProtocolMessage)builder.Create(message.Type, version, message.Schema.IsFlexible(version));
                var first = MessageType.Encode(original, version);

                var (decoded, remaining) = message.Read(first, version);
                Assert.Equal(0, remaining);
                var second = MessageType.Encode((IProtocolMessage)decoded, version);
                Assert.Equal(first, second);

                var (decodedAgain, _) = message.Read(second, version);
                Assert.Null(DeepEquality.FindDifference(decoded, decodedAgain));
                Assert.Null(DeepEquality.FindDifference(original, decoded));
                Assert.Equal(decoded, decodedAgain);
                Assert.Equal(original, decoded);
                Assert.Equal(original.GetHashCode(), decoded.GetHashCode());
            }
        }
    }

    [Theory]
    [MemberData(nameof(MessageCatalog.Names), MemberType = typeof(MessageCatalog))]
    public void Default_values_round_trip_at_every_version(string typeName)
    {
        var message = MessageCatalog.Get(typeName);
        foreach (var version in message.Versions)
        {
            var original = (IProtocolMessage)Activator.CreateInstance(message.Type)!;
            var bytes = MessageType.Encode(original, version);
            var (decoded, remaining) = message.Read(bytes, version);
            Assert.Equal(0, remaining);
            Assert.Equal(original, decoded);
        }
    }
}
