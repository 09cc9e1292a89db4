using System.Reflection;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// Hostile input: every truncation of valid encodings, corrupted encodings and random bytes decode to a
/// value or a <see cref="ProtocolDecodeException"/>, nothing else, and allocate in proportion to their size.
/// </summary>
public class DecodeFuzzTests
{
    /// <summary>Decoded objects may take several times the bytes that encode them, plus an exception and its stack trace.</summary>
    private const int AllocationPerInputByte = 32;
    private const int AllocationAllowance = 16 * 1024;

    private const int Corruptions = 40;
    private const int RandomInputs = 10;

    [Theory]
    [MemberData(nameof(MessageCatalog.Names), MemberType = typeof(MessageCatalog))]
    public void Truncated_corrupted_and_random_bytes_decode_or_fail_with_a_decode_error(string typeName)
    {
        var message = MessageCatalog.Get(typeName);
        foreach (var version in message.Versions)
        {
            var random = new Random(HashCode.Combine(typeName.Length, typeName[0], version, 17));
            var builder = new RandomMessageBuilder(random, maxListLength: 2);
            var valid = MessageType.Encode((IProtocolMessage)builder.Create(message.Type, version, message.Schema.IsFlexible(version)), version);

            for (var length = 0; length < valid.Length; length++)
            {
                Check(message, valid.AsMemory(0, length), version);
            }

            for (var i = 0; i < Corruptions; i++)
            {
                var corrupted = (byte[])valid.Clone();
                for (var flips = random.Next(1, 4); flips > 0 && corrupted.Length > 0; flips--)
                {
                    corrupted[random.Next(corrupted.Length)] = (byte)random.Next(256);
                }

                Check(message, corrupted, version);
            }

            for (var i = 0; i < RandomInputs; i++)
            {
                var bytes = new byte[random.Next(0, 64)];
                random.NextBytes(bytes);
                Check(message, bytes, version);
            }
        }
    }

    /// <summary>
    /// The costliest input per byte: arrays packed with default elements, which encode in the fewest bytes
    /// an element can take yet still become whole objects.
    /// </summary>
    [Theory]
    [MemberData(nameof(MessageCatalog.Names), MemberType = typeof(MessageCatalog))]
    public void Densely_packed_default_elements_allocate_in_proportion_to_their_size(string typeName)
    {
        var message = MessageCatalog.Get(typeName);
        foreach (var version in message.Versions)
        {
            var dense = (IProtocolMessage)Dense(message.Type, version, depth: 0);
            var bytes = MessageType.Encode(dense, version);
            message.MeasureDecode(bytes, version);
            Check(message, bytes, version);
        }
    }

    [Theory]
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF })]
    [InlineData(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0 })]
    public void A_huge_array_count_in_a_small_frame_fails_before_allocating(byte[] frame)
    {
        var message = MessageCatalog.Get(typeof(MetadataRequest).FullName!);
        var (allocated, error) = message.MeasureDecode(frame, 0);
        Assert.IsType<ProtocolDecodeException>(error);
        Assert.True(allocated < AllocationAllowance, $"{allocated} bytes allocated");
    }

    [Fact]
    public void Many_unknown_tagged_fields_allocate_in_proportion_to_their_size()
    {
        // MetadataRequest v12: null topics, two booleans, then 10,000 empty unknown tagged fields.
        using var writer = new ProtocolWriter();
        writer.WriteRaw([0, 1, 0]);
        writer.WriteUnsignedVarInt(10_000);
        for (var tag = 0; tag < 10_000; tag++)
        {
            writer.WriteUnsignedVarInt((uint)tag + 100);
            writer.WriteUnsignedVarInt(0);
        }

        var bytes = writer.ToArray();
        var message = MessageCatalog.Get(typeof(MetadataRequest).FullName!);
        var (decoded, remaining) = message.Read(bytes, 12);
        Assert.Equal(0, remaining);
        Assert.Equal(10_000, ((MetadataRequest)decoded).UnknownTaggedFields!.Count);
        Check(message, bytes, 12);
    }

    [Fact]
    public void Produce_request_decoding_does_not_allocate_per_record()
    {
        // The same request with a 100-byte and a 100 KB record set allocates the same.
        var small = Produce(100);
        var large = Produce(100_000);
        var message = MessageCatalog.Get(typeof(ProduceRequest).FullName!);
        message.MeasureDecode(small, 9);
        var (smallAllocated, _) = message.MeasureDecode(small, 9);
        var (largeAllocated, _) = message.MeasureDecode(large, 9);
        Assert.Equal(smallAllocated, largeAllocated);

        static byte[] Produce(int recordBytes) => MessageType.Encode(
            new ProduceRequest
            {
                Acks = -1,
                TopicData = [new() { Name = "t", PartitionData = [new() { Index = 0, Records = new MemoryRecords(new byte[recordBytes]) }] }],
            },
            9);
    }

    private static object Dense(Type type, short version, int depth)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties())
        {
            var field = property.GetCustomAttribute<ProtocolFieldAttribute>();
            var listType = property.PropertyType;
            if (field is null || !field.IsPresent(version) || !listType.IsGenericType || listType.GetGenericTypeDefinition() != typeof(List<>))
            {
                continue;
            }

            var element = listType.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(listType)!;
            for (var i = 0; i < (depth == 0 ? 64 : 8); i++)
            {
                list.Add(element == typeof(string) ? "" : typeof(IProtocolMessage).IsAssignableFrom(element) && depth < 2
                    ? Dense(element, version, depth + 1)
                    : Activator.CreateInstance(element)!);
            }

            property.SetValue(instance, list);
        }

        return instance;
    }

    private static void Check(MessageType message, ReadOnlyMemory<byte> input, short version)
    {
        var (allocated, error) = message.MeasureDecode(input, version);
        if (error is not null and not ProtocolDecodeException)
        {
            Assert.Fail($"{message} v{version} threw {error.GetType().Name} on {Convert.ToHexString(input.Span)}: {error}");
        }

        var limit = (AllocationPerInputByte * (long)input.Length) + AllocationAllowance;
        Assert.True(allocated <= limit, $"{message} v{version} allocated {allocated} bytes decoding {input.Length}: {Convert.ToHexString(input.Span)}");
    }
}
