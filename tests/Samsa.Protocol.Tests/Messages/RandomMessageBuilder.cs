using System.Reflection;
using System.Text;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>
/// Builds random instances of generated types by reflection, honouring each field's schema versions:
/// only fields present at the version get values, null only where the version allows it, tagged fields
/// sometimes left at their default, and random unknown tagged fields in flexible versions.
/// </summary>
internal sealed class RandomMessageBuilder(Random random, int maxListLength = 3)
{
    private static readonly string[] Fragments = ["a", "topic", "é", "漢字", "🙂", "-", "_", ".", " ", "Z9"];

    public object Create(Type type, short version, bool flexible)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties())
        {
            var field = property.GetCustomAttribute<ProtocolFieldAttribute>();
            if (field is null || !field.IsPresent(version))
            {
                continue;
            }

            if (field.IsTagged(version) && random.Next(3) == 0)
            {
                continue;
            }

            if (field.IsNullable(version) && random.Next(4) == 0)
            {
                property.SetValue(instance, null);
                continue;
            }

            property.SetValue(instance, Value(property.PropertyType, version, flexible));
        }

        if (flexible && random.Next(3) == 0)
        {
            type.GetProperty("UnknownTaggedFields")!.SetValue(instance, UnknownTaggedFields(type));
        }

        return instance;
    }

    /// <summary>A random value of a property's type (never null).</summary>
    public object Value(Type type, short version, bool flexible)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(bool))
        {
            return random.Next(2) == 0;
        }

        if (type == typeof(sbyte))
        {
            return (sbyte)random.Next(sbyte.MinValue, sbyte.MaxValue + 1);
        }

        if (type == typeof(short))
        {
            return (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        if (type == typeof(ushort))
        {
            return (ushort)random.Next(ushort.MaxValue + 1);
        }

        if (type == typeof(int))
        {
            return random.Next(4) == 0 ? -1 : random.Next(int.MinValue, int.MaxValue);
        }

        if (type == typeof(uint))
        {
            return (uint)random.NextInt64(uint.MaxValue + 1L);
        }

        if (type == typeof(long))
        {
            return random.NextInt64(long.MinValue, long.MaxValue);
        }

        if (type == typeof(double))
        {
            return random.Next(4) == 0 ? BitConverter.Int64BitsToDouble(random.NextInt64()) : random.NextDouble() * 1e6;
        }

        if (type == typeof(Uuid))
        {
            return new Uuid(random.NextInt64(), random.NextInt64());
        }

        if (type == typeof(string))
        {
            return RandomString();
        }

        if (type == typeof(byte[]))
        {
            return Bytes(random.Next(0, 12));
        }

        if (type == typeof(RecordsPayload))
        {
            // Now and then large enough to be appended by reference rather than copied.
            return new MemoryRecords(Bytes(random.Next(10) == 0 ? 1500 : random.Next(0, 80)));
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var element = type.GetGenericArguments()[0];
            var list = (System.Collections.IList)Activator.CreateInstance(type)!;
            var count = random.Next(0, maxListLength + 1);
            for (var i = 0; i < count; i++)
            {
                list.Add(Value(element, version, flexible));
            }

            return list;
        }

        if (typeof(IProtocolMessage).IsAssignableFrom(type))
        {
            return Create(type, version, flexible);
        }

        throw new NotSupportedException($"no random values for {type}");
    }

    /// <summary>Sorted unknown tags that no field of the type uses at any version.</summary>
    private List<RawTaggedField> UnknownTaggedFields(Type type)
    {
        var known = type.GetProperties()
            .Select(p => p.GetCustomAttribute<ProtocolFieldAttribute>()?.Tag ?? -1)
            .Where(t => t >= 0)
            .ToHashSet();
        var tags = new SortedSet<int>();
        var count = random.Next(1, 3);
        while (tags.Count < count)
        {
            var tag = random.Next(4) == 0 ? random.Next(0, 20_000) : random.Next(0, 40);
            if (!known.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        return [.. tags.Select(t => new RawTaggedField(t, Bytes(random.Next(0, 6))))];
    }

    private string RandomString()
    {
        var builder = new StringBuilder();
        var parts = random.Next(0, 5);
        for (var i = 0; i < parts; i++)
        {
            builder.Append(Fragments[random.Next(Fragments.Length)]);
        }

        return builder.ToString();
    }

    private byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
