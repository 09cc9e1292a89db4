using System.Reflection;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Tests.Messages;

/// <summary>Every generated top-level type (found by its <see cref="ProtocolMessageAttribute"/>), with typed access to Read.</summary>
internal static class MessageCatalog
{
    public static readonly IReadOnlyList<MessageType> All = typeof(ProtocolMessageAttribute).Assembly.GetTypes()
        .Where(t => t.GetCustomAttribute<ProtocolMessageAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => new MessageType(t))
        .ToList();

    private static readonly Dictionary<string, MessageType> ByName = All.ToDictionary(m => m.Type.FullName!, StringComparer.Ordinal);

    /// <summary>Theory data: one case per generated type, named by its full type name.</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var message in All)
        {
            data.Add(message.Type.FullName!);
        }

        return data;
    }

    public static MessageType Get(string fullName) => ByName[fullName];
}

internal sealed class MessageType
{
    private readonly Func<ReadOnlyMemory<byte>, short, (object Value, int Remaining)> _read;
    private readonly Func<ReadOnlyMemory<byte>, short, (long Allocated, Exception? Error)> _measure;

    public MessageType(Type type)
    {
        Type = type;
        Schema = type.GetCustomAttribute<ProtocolMessageAttribute>()!;
        _read = Bind<Func<ReadOnlyMemory<byte>, short, (object, int)>>(nameof(ReadAs), type);
        _measure = Bind<Func<ReadOnlyMemory<byte>, short, (long, Exception?)>>(nameof(MeasureRead), type);
    }

    public Type Type { get; }

    public ProtocolMessageAttribute Schema { get; }

    public IEnumerable<short> Versions
    {
        get
        {
            for (var v = Schema.LowestVersion; v <= Schema.HighestVersion; v++)
            {
                yield return v;
            }
        }
    }

    public (object Value, int Remaining) Read(ReadOnlyMemory<byte> bytes, short version) => _read(bytes, version);

    /// <summary>Decodes once, returning the bytes the decoder allocated and the exception it raised, if any.</summary>
    public (long Allocated, Exception? Error) MeasureDecode(ReadOnlyMemory<byte> bytes, short version) => _measure(bytes, version);

    public static byte[] Encode(IProtocolMessage message, short version)
    {
        using var writer = new ProtocolWriter();
        message.Write(writer, version);
        return writer.ToArray();
    }

    public override string ToString() => Type.FullName!;

    private static TDelegate Bind<TDelegate>(string method, Type type)
        where TDelegate : Delegate =>
        typeof(MessageType).GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type).CreateDelegate<TDelegate>();

    private static (object, int) ReadAs<T>(ReadOnlyMemory<byte> bytes, short version)
        where T : IProtocolMessage<T>
    {
        var reader = new ProtocolReader(bytes);
        var value = T.Read(ref reader, version);
        return (value, reader.Remaining);
    }

    private static (long, Exception?) MeasureRead<T>(ReadOnlyMemory<byte> bytes, short version)
        where T : IProtocolMessage<T>
    {
        var reader = new ProtocolReader(bytes);
        var before = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            T.Read(ref reader, version);
            return (GC.GetAllocatedBytesForCurrentThread() - before, null);
        }
        catch (Exception e)
        {
            return (GC.GetAllocatedBytesForCurrentThread() - before, e);
        }
    }
}
