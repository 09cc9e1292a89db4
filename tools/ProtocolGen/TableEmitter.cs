namespace Samsa.ProtocolGen;

/// <summary>Writes the per-API tables: the ApiKey enum, the version table and the decoding factories.</summary>
internal static class TableEmitter
{
    public static string ApiKeyEnum(IReadOnlyList<ApiPair> apis)
    {
        var w = Header("messages/*Request.json", "Samsa.Protocol.Messages", usesPrimitives: false);
        w.Line("/// <summary>Kafka's API keys, the first field of every request header.</summary>");
        w.Open("public enum ApiKey : short");
        foreach (var api in apis)
        {
            w.Line($"/// <summary>{api.Name} (versions {api.Request.ValidVersions}).</summary>");
            w.Line($"{api.Name} = {api.Request.ApiKey},");
            w.Blank();
        }

        w.Close();
        return w.ToString();
    }

    public static string ApiTable(IReadOnlyList<ApiPair> apis)
    {
        var w = Header("messages/*Request.json and *Response.json", "Samsa.Protocol.Messages", usesPrimitives: false);
        w.Open("public static partial class ApiTable");
        w.Line("private static ApiInfo[] CreateAll() =>");
        w.Line("[");
        foreach (var api in apis)
        {
            var listeners = new List<string>();
            if (api.Request.Listeners.Contains("broker"))
            {
                listeners.Add("ApiListeners.Broker");
            }

            if (api.Request.Listeners.Contains("controller"))
            {
                listeners.Add("ApiListeners.Controller");
            }

            var listenerText = listeners.Count == 0 ? "ApiListeners.None" : string.Join(" | ", listeners);
            var deprecated = api.Request.DeprecatedVersions;
            w.Line($"    new(ApiKey.{api.Name}, \"{api.Name}\", {api.Request.ValidVersions.Lowest}, {api.Request.ValidVersions.Highest}, "
                + $"{FirstFlexible(api.Request)}, {FirstFlexible(api.Response)}, {listenerText}, "
                + $"{(api.Request.LatestVersionUnstable ? "true" : "false")}, "
                + $"{(deprecated.IsEmpty ? -1 : deprecated.Lowest)}, {(deprecated.IsEmpty ? -1 : Math.Min(deprecated.Highest, api.Request.ValidVersions.Highest))}, "
                + $"typeof({api.Request.Name}), typeof({api.Response.Name})),");
        }

        w.Line("];");
        w.Close();
        return w.ToString();
    }

    public static string MessageFactory(IReadOnlyList<ApiPair> apis)
    {
        var w = Header("messages/*Request.json and *Response.json", "Samsa.Protocol.Messages", usesPrimitives: true);
        w.Line("/// <summary>Decodes and creates request and response bodies by API key, with a switch rather than reflection.</summary>");
        w.Open("public static class MessageFactory");
        foreach (var (kind, pick) in new (string, Func<ApiPair, MessageSpec>)[] { ("Request", a => a.Request), ("Response", a => a.Response) })
        {
            var lower = kind.ToLowerInvariant();
            w.Line($"/// <summary>Decodes the body of a {lower} with the given API key and version; an unknown key or version raises <see cref=\"ProtocolDecodeException\"/>.</summary>");
            w.Line($"public static I{kind}Message Read{kind}(ApiKey apiKey, short version, ref ProtocolReader reader) => apiKey switch");
            w.Open();
            foreach (var api in apis)
            {
                w.Line($"ApiKey.{api.Name} => {pick(api).Name}.Read(ref reader, version),");
            }

            w.Line("_ => throw new ProtocolDecodeException($\"unknown API key {(short)apiKey}\"),");
            w.Close(";");
            w.Blank();
            w.Line($"/// <summary>A {lower} body with every field at its schema default.</summary>");
            w.Line($"public static I{kind}Message Create{kind}(ApiKey apiKey) => apiKey switch");
            w.Open();
            foreach (var api in apis)
            {
                w.Line($"ApiKey.{api.Name} => new {pick(api).Name}(),");
            }

            w.Line("_ => throw new ArgumentOutOfRangeException(nameof(apiKey), apiKey, \"unknown API key\"),");
            w.Close(";");
            w.Blank();
        }

        w.Close();
        return w.ToString();
    }

    public static string MetadataRecordType(IReadOnlyList<MessageSpec> records)
    {
        var w = Header("metadata-records/*.json", "Samsa.Protocol.MetadataRecords", usesPrimitives: false);
        w.Line("/// <summary>The type of a record in the cluster metadata log (each schema's apiKey).</summary>");
        w.Open("public enum MetadataRecordType : short");
        foreach (var record in records)
        {
            w.Line($"/// <summary>{record.Name} (versions {record.ValidVersions}).</summary>");
            w.Line($"{MessageEmitter.MetadataRecordName(record)} = {record.ApiKey},");
            w.Blank();
        }

        w.Close();
        return w.ToString();
    }

    public static string MetadataRecordFactory(IReadOnlyList<MessageSpec> records)
    {
        var w = Header("metadata-records/*.json", "Samsa.Protocol.MetadataRecords", usesPrimitives: true);
        w.Line("/// <summary>Decodes and creates metadata records by type, with a switch rather than reflection.</summary>");
        w.Open("public static class MetadataRecordFactory");
        w.Line("/// <summary>Decodes a record of the given type and version; an unknown type or version raises <see cref=\"ProtocolDecodeException\"/>.</summary>");
        w.Line("public static IMetadataRecord Read(MetadataRecordType type, short version, ref ProtocolReader reader) => type switch");
        w.Open();
        foreach (var record in records)
        {
            w.Line($"MetadataRecordType.{MessageEmitter.MetadataRecordName(record)} => {record.Name}.Read(ref reader, version),");
        }

        w.Line("_ => throw new ProtocolDecodeException($\"unknown metadata record type {(short)type}\"),");
        w.Close(";");
        w.Blank();
        w.Line("/// <summary>A record of the given type with every field at its schema default.</summary>");
        w.Line("public static IMetadataRecord Create(MetadataRecordType type) => type switch");
        w.Open();
        foreach (var record in records)
        {
            w.Line($"MetadataRecordType.{MessageEmitter.MetadataRecordName(record)} => new {record.Name}(),");
        }

        w.Line("_ => throw new ArgumentOutOfRangeException(nameof(type), type, \"unknown metadata record type\"),");
        w.Close(";");
        w.Close();
        return w.ToString();
    }

    private static string FirstFlexible(MessageSpec message)
    {
        var flexible = message.FlexibleVersions.Intersect(message.ValidVersions);
        return flexible.IsEmpty ? "-1" : flexible.Lowest.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static CodeWriter Header(string source, string ns, bool usesPrimitives)
    {
        var w = new CodeWriter();
        w.Line("// <auto-generated>");
        w.Line($"// Generated by tools/ProtocolGen from Kafka's {source}. Do not edit.");
        w.Line("// </auto-generated>");
        w.Line("#nullable enable");
        w.Blank();
        if (usesPrimitives)
        {
            w.Line("using Samsa.Protocol.Primitives;");
            w.Blank();
        }

        w.Line($"namespace {ns};");
        w.Blank();
        return w;
    }
}

/// <summary>A request schema and its response schema.</summary>
internal sealed record ApiPair(string Name, MessageSpec Request, MessageSpec Response);
