using System.Text.Json;

namespace Samsa.ProtocolGen;

internal enum TypeKind
{
    Bool,
    Int8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    Float64,
    Uuid,
    String,
    Bytes,
    Records,
    Array,
    Struct,
}

/// <summary>A schema field type: a primitive, an array of a type, or a struct by name.</summary>
internal sealed record FieldType(TypeKind Kind, string? StructName = null, FieldType? Element = null)
{
    public bool IsFixedSize => Kind is <= TypeKind.Uuid;

    public int FixedSize => Kind switch
    {
        TypeKind.Bool or TypeKind.Int8 => 1,
        TypeKind.Int16 or TypeKind.UInt16 => 2,
        TypeKind.Int32 or TypeKind.UInt32 => 4,
        TypeKind.Int64 or TypeKind.Float64 => 8,
        TypeKind.Uuid => 16,
        _ => throw new InvalidOperationException($"{Kind} has no fixed size"),
    };

    /// <summary>Types whose C# representation is a reference that a schema may allow to be null.</summary>
    public bool CanBeNull => Kind is TypeKind.String or TypeKind.Bytes or TypeKind.Records or TypeKind.Array or TypeKind.Struct;

    public static FieldType Parse(string text)
    {
        if (text.StartsWith("[]", StringComparison.Ordinal))
        {
            return new FieldType(TypeKind.Array, Element: Parse(text[2..]));
        }

        return text switch
        {
            "bool" => new FieldType(TypeKind.Bool),
            "int8" => new FieldType(TypeKind.Int8),
            "int16" => new FieldType(TypeKind.Int16),
            "uint16" => new FieldType(TypeKind.UInt16),
            "int32" => new FieldType(TypeKind.Int32),
            "uint32" => new FieldType(TypeKind.UInt32),
            "int64" => new FieldType(TypeKind.Int64),
            "float64" => new FieldType(TypeKind.Float64),
            "uuid" => new FieldType(TypeKind.Uuid),
            "string" => new FieldType(TypeKind.String),
            "bytes" => new FieldType(TypeKind.Bytes),
            "records" => new FieldType(TypeKind.Records),
            _ when text.Length > 0 && char.IsUpper(text[0]) => new FieldType(TypeKind.Struct, StructName: text),
            _ => throw new InvalidDataException($"unknown field type '{text}'"),
        };
    }
}

internal sealed class FieldSpec
{
    public required string Name { get; init; }

    public required FieldType Type { get; init; }

    public required Versions Versions { get; init; }

    public Versions NullableVersions { get; init; } = Versions.None;

    public Versions TaggedVersions { get; init; } = Versions.None;

    public int? Tag { get; init; }

    /// <summary>The schema's default as text ("" when absent; JSON null becomes "null").</summary>
    public string Default { get; init; } = "";

    public bool Ignorable { get; init; }

    /// <summary>A field-level override of the message's flexible versions (RequestHeader.ClientId is "none").</summary>
    public Versions? FlexibleVersions { get; init; }

    public string About { get; init; } = "";

    /// <summary>Fields of a struct declared inline by this field.</summary>
    public IReadOnlyList<FieldSpec>? Fields { get; init; }

    /// <summary>Versions in which the field is present and encoded in the struct body (not as a tagged field).</summary>
    public Versions UntaggedVersions => TaggedVersions.IsEmpty ? Versions : Versions.Below(TaggedVersions.Lowest);

    public bool IsTagged => Tag is not null;
}

internal sealed class StructSpec
{
    public required string Name { get; init; }

    public required Versions Versions { get; init; }

    public required IReadOnlyList<FieldSpec> Fields { get; init; }

    /// <summary>The C# class name: the schema name, unless it would clash with a member of its containing class.</summary>
    public string ClassName { get; set; } = "";
}

internal sealed class MessageSpec
{
    public required string FileName { get; init; }

    public required string Name { get; init; }

    public required string Type { get; init; }

    public short? ApiKey { get; init; }

    public required Versions ValidVersions { get; init; }

    public required Versions FlexibleVersions { get; init; }

    public IReadOnlyList<string> Listeners { get; init; } = [];

    public bool LatestVersionUnstable { get; init; }

    public Versions DeprecatedVersions { get; init; } = Versions.None;

    public required IReadOnlyList<FieldSpec> Fields { get; init; }

    /// <summary>Every struct the message declares (inline and common), in declaration order.</summary>
    public List<StructSpec> Structs { get; } = [];

    public StructSpec FindStruct(string name) =>
        Structs.Find(s => s.Name == name) ?? throw new InvalidDataException($"{FileName}: struct '{name}' is not declared");
}

internal static class SchemaLoader
{
    public static MessageSpec Load(string path)
    {
        // Kafka's schema files carry // comment lines, which JSON does not allow.
        var lines = File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal));
        using var document = JsonDocument.Parse(string.Join('\n', lines), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        var root = document.RootElement;
        var fileName = Path.GetFileName(path);

        var message = new MessageSpec
        {
            FileName = fileName,
            Name = root.GetProperty("name").GetString()!,
            Type = root.GetProperty("type").GetString()!,
            ApiKey = root.TryGetProperty("apiKey", out var apiKey) ? checked((short)ReadInt(apiKey)) : null,
            ValidVersions = Versions.Parse(root.GetProperty("validVersions").GetString(), Versions.None),
            FlexibleVersions = Versions.Parse(OptionalString(root, "flexibleVersions"), Versions.None),
            Listeners = root.TryGetProperty("listeners", out var listeners) ? [.. listeners.EnumerateArray().Select(l => l.GetString()!)] : [],
            LatestVersionUnstable = root.TryGetProperty("latestVersionUnstable", out var unstable) && unstable.GetBoolean(),
            DeprecatedVersions = Versions.Parse(OptionalString(root, "deprecatedVersions"), Versions.None),
            Fields = ParseFields(root.GetProperty("fields")),
        };

        CollectStructs(message, message.Fields);
        if (root.TryGetProperty("commonStructs", out var common))
        {
            foreach (var element in common.EnumerateArray())
            {
                var fields = ParseFields(element.GetProperty("fields"));
                AddStruct(message, new StructSpec
                {
                    Name = element.GetProperty("name").GetString()!,
                    Versions = Versions.Parse(OptionalString(element, "versions"), Versions.All),
                    Fields = fields,
                });
                CollectStructs(message, fields);
            }
        }

        return message;
    }

    private static void CollectStructs(MessageSpec message, IReadOnlyList<FieldSpec> fields)
    {
        foreach (var field in fields)
        {
            if (field.Fields is null)
            {
                continue;
            }

            var type = field.Type.Kind == TypeKind.Array ? field.Type.Element! : field.Type;
            if (type.Kind != TypeKind.Struct)
            {
                throw new InvalidDataException($"{message.FileName}: field {field.Name} declares fields but is not a struct");
            }

            AddStruct(message, new StructSpec { Name = type.StructName!, Versions = field.Versions, Fields = field.Fields });
            CollectStructs(message, field.Fields);
        }
    }

    private static void AddStruct(MessageSpec message, StructSpec spec)
    {
        if (message.Structs.Exists(s => s.Name == spec.Name))
        {
            throw new InvalidDataException($"{message.FileName}: struct '{spec.Name}' is declared twice");
        }

        message.Structs.Add(spec);
    }

    private static List<FieldSpec> ParseFields(JsonElement fields)
    {
        var result = new List<FieldSpec>();
        foreach (var element in fields.EnumerateArray())
        {
            var name = element.GetProperty("name").GetString()!;
            var tagged = Versions.Parse(OptionalString(element, "taggedVersions"), Versions.None);

            // A field without "versions" but with "taggedVersions" exists in its tagged versions.
            var versions = Versions.Parse(OptionalString(element, "versions"), tagged.IsEmpty ? Versions.None : tagged);
            if (versions.IsEmpty && tagged.IsEmpty)
            {
                throw new InvalidDataException($"field {name} has no versions");
            }

            int? tag = element.TryGetProperty("tag", out var tagElement) ? ReadInt(tagElement) : null;
            if ((tag is null) != tagged.IsEmpty || (!tagged.IsEmpty && !tagged.IsOpenEnded) || !versions.Contains(tagged))
            {
                throw new InvalidDataException($"field {name}: tag and taggedVersions must come together, open-ended, within versions");
            }

            result.Add(new FieldSpec
            {
                Name = name,
                Type = FieldType.Parse(element.GetProperty("type").GetString()!),
                Versions = versions,
                NullableVersions = Versions.Parse(OptionalString(element, "nullableVersions"), Versions.None),
                TaggedVersions = tagged,
                Tag = tag,
                Default = DefaultText(element),
                Ignorable = element.TryGetProperty("ignorable", out var ignorable) && ignorable.GetBoolean(),
                FlexibleVersions = element.TryGetProperty("flexibleVersions", out var flexible) ? Versions.Parse(flexible.GetString(), Versions.None) : null,
                About = OptionalString(element, "about") ?? "",
                Fields = element.TryGetProperty("fields", out var nested) ? ParseFields(nested) : null,
            });
        }

        return result;
    }

    private static string DefaultText(JsonElement field)
    {
        if (!field.TryGetProperty("default", out var value))
        {
            return "";
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Null => "null",
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new InvalidDataException($"unsupported default {value.GetRawText()}"),
        };
    }

    /// <summary>A number that some schemas write as a JSON string ("tag": "0").</summary>
    private static int ReadInt(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? int.Parse(element.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : element.GetInt32();

    private static string? OptionalString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
