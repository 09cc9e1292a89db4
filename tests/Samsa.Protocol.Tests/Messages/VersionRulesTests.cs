using System.Reflection;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>What happens to fields a version does not have, nulls where a version forbids them, and versions out of range.</summary>
public class VersionRulesTests
{
    [Theory]
    [MemberData(nameof(MessageCatalog.Names), MemberType = typeof(MessageCatalog))]
    public void Fields_missing_from_a_version_are_dropped_only_when_ignorable(string typeName)
    {
        var message = MessageCatalog.Get(typeName);
        var random = new Random(typeName.Length);
        foreach (var version in message.Versions)
        {
            foreach (var property in message.Type.GetProperties())
            {
                var field = property.GetCustomAttribute<ProtocolFieldAttribute>();
                if (field is null || field.IsPresent(version))
                {
                    continue;
                }

                var instance = (IProtocolMessage)Activator.CreateInstance(message.Type)!;
                var defaultValue = property.GetValue(instance);
                var value = NonDefaultValue(property.PropertyType, defaultValue, random, version);
                if (value is null)
                {
                    continue;
                }

                property.SetValue(instance, value);
                if (!field.Ignorable)
                {
                    var error = Assert.Throws<UnsupportedVersionException>(() => MessageType.Encode(instance, version));
                    Assert.Contains(property.Name, error.Message, StringComparison.Ordinal);
                    continue;
                }

                var (decoded, _) = message.Read(MessageType.Encode(instance, version), version);
                Assert.Null(DeepEquality.FindDifference(defaultValue, property.GetValue(decoded)));
            }
        }
    }

    [Fact]
    public void A_non_default_value_in_a_field_the_version_lacks_is_refused()
    {
        var request = new MetadataRequest { AllowAutoTopicCreation = false };
        var error = Assert.Throws<UnsupportedVersionException>(() => MessageType.Encode(request, 3));
        Assert.Contains("AllowAutoTopicCreation", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(MessageType.Encode(request, 4));
    }

    [Fact]
    public void An_ignorable_field_is_dropped_silently()
    {
        var request = new MetadataRequest { Topics = [new() { Name = "t", TopicId = Uuid.Random() }] };
        var bytes = MessageType.Encode(request, 9);
        var reader = new ProtocolReader(bytes);
        Assert.Equal(Uuid.Zero, MetadataRequest.Read(ref reader, 9).Topics![0].TopicId);
    }

    [Fact]
    public void Null_where_the_version_forbids_it_is_refused_on_write_and_read()
    {
        Assert.Throws<InvalidOperationException>(() => MessageType.Encode(new MetadataRequest { Topics = null }, 0));
        Assert.Equal([0xFF, 0xFF, 0xFF, 0xFF], MessageType.Encode(new MetadataRequest { Topics = null }, 1));

        var reader = new ProtocolReader(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF });
        try
        {
            MetadataRequest.Read(ref reader, 0);
            Assert.Fail("a null topic array decoded at version 0");
        }
        catch (ProtocolDecodeException e)
        {
            Assert.Contains("Topics", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Unknown_tagged_fields_cannot_be_written_at_a_version_without_tagged_fields()
    {
        var request = new MetadataRequest { UnknownTaggedFields = [new RawTaggedField(1, new byte[] { 1 })] };
        Assert.Throws<UnsupportedVersionException>(() => MessageType.Encode(request, 8));
        Assert.NotEmpty(MessageType.Encode(request, 9));
    }

    [Fact]
    public void Versions_outside_the_schema_are_refused()
    {
        Assert.Throws<UnsupportedVersionException>(() => MessageType.Encode(new MetadataRequest(), 13));
        Assert.Throws<UnsupportedVersionException>(() => MessageType.Encode(new MetadataRequest(), -1));
        Assert.Throws<ProtocolDecodeException>(() => MessageCatalog.Get(typeof(MetadataRequest).FullName!).Read(new byte[16], 13));
    }

    [Fact]
    public void A_known_tag_at_a_version_before_its_tagged_versions_is_a_decode_error()
    {
        // FetchRequest v12 with an empty body and tag 1 (ReplicaState, tagged from v15).
        var valid = MessageType.Encode(new FetchRequest(), 12);
        var withTag = valid[..^1].Concat(new byte[] { 1, 1, 0 }).ToArray();
        var error = Assert.Throws<ProtocolDecodeException>(() => MessageCatalog.Get(typeof(FetchRequest).FullName!).Read(withTag, 12));
        Assert.Contains("tag 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tagged_value_that_does_not_fill_its_size_is_a_decode_error()
    {
        // ApiVersionsResponse v3 whose FinalizedFeaturesEpoch (tag 1, int64) claims 9 bytes.
        byte[] bytes = [0, 0, 1, 0, 0, 0, 0, 1, 1, 9, 0, 0, 0, 0, 0, 0, 0, 1, 0];
        Assert.Throws<ProtocolDecodeException>(() => MessageCatalog.Get(typeof(ApiVersionsResponse).FullName!).Read(bytes, 3));
    }

    /// <summary>A value other than <paramref name="current"/> for a property, or null when there is no simple one.</summary>
    private static object? NonDefaultValue(Type type, object? current, Random random, short version)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(bool) => !(bool)current!,
            _ when type == typeof(sbyte) => (sbyte)((sbyte)current! + 1),
            _ when type == typeof(short) => (short)((short)current! + 1),
            _ when type == typeof(ushort) => (ushort)((ushort)current! + 1),
            _ when type == typeof(int) => (int)current! + 1,
            _ when type == typeof(uint) => (uint)current! + 1,
            _ when type == typeof(long) => (long)current! + 1,
            _ when type == typeof(double) => (double)current! + 1,
            _ when type == typeof(Uuid) => (Uuid)current! == Uuid.Zero ? new Uuid(1, 1) : Uuid.Zero,
            _ when type == typeof(string) => (string?)current == "x" ? "y" : "x",
            _ when type == typeof(byte[]) => new byte[] { 1 },
            _ when type == typeof(RecordsPayload) => new MemoryRecords(new byte[] { 1 }),
            _ when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) => OneElementList(type, random, version),
            _ => null,
        };
    }

    private static object OneElementList(Type type, Random random, short version)
    {
        var list = (System.Collections.IList)Activator.CreateInstance(type)!;
        list.Add(new RandomMessageBuilder(random).Value(type.GetGenericArguments()[0], version, flexible: false));
        return list;
    }
}
