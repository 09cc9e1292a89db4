using System.Text;
using Samsa.ProtocolGen;

// Usage: dotnet run --project tools/ProtocolGen -- [schemaDir] [outputDir]
// Defaults: ../shared/kafka-protocol next to the repository, and src/Samsa.Protocol inside it.
var root = FindRepositoryRoot();
var schemaDir = args.Length > 0 ? args[0] : Path.Combine(root ?? ".", "..", "shared", "kafka-protocol");
var outputDir = args.Length > 1 ? args[1] : Path.Combine(root ?? ".", "src", "Samsa.Protocol");
if (!Directory.Exists(schemaDir))
{
    Console.Error.WriteLine($"schema directory {Path.GetFullPath(schemaDir)} does not exist");
    return 1;
}

var files = new Dictionary<string, string>(StringComparer.Ordinal);
var messages = new List<MessageSpec>();
var metadataRecords = new List<MessageSpec>();
foreach (var folder in SchemaFolder.All)
{
    var directory = Path.Combine(schemaDir, folder.Folder);
    foreach (var path in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
    {
        var message = SchemaLoader.Load(path);
        files[Path.Combine(folder.OutputDirectory, message.Name + ".g.cs")] = new MessageEmitter(message, folder).Emit();
        if (folder.Folder == "messages")
        {
            messages.Add(message);
        }
        else if (message.Type == "metadata")
        {
            metadataRecords.Add(message);
        }
    }
}

var apis = PairApis(messages);
files[Path.Combine("Messages", "ApiKey.g.cs")] = TableEmitter.ApiKeyEnum(apis);
files[Path.Combine("Messages", "ApiTable.g.cs")] = TableEmitter.ApiTable(apis);
files[Path.Combine("Messages", "MessageFactory.g.cs")] = TableEmitter.MessageFactory(apis);
metadataRecords.Sort((a, b) => a.ApiKey!.Value.CompareTo(b.ApiKey!.Value));
files[Path.Combine("MetadataRecords", "MetadataRecordType.g.cs")] = TableEmitter.MetadataRecordType(metadataRecords);
files[Path.Combine("MetadataRecords", "MetadataRecordFactory.g.cs")] = TableEmitter.MetadataRecordFactory(metadataRecords);

var written = 0;
var removed = 0;
foreach (var folder in SchemaFolder.All)
{
    var directory = Path.Combine(outputDir, folder.OutputDirectory);
    Directory.CreateDirectory(directory);
    foreach (var stale in Directory.GetFiles(directory, "*.g.cs"))
    {
        if (!files.ContainsKey(Path.GetRelativePath(outputDir, stale)))
        {
            File.Delete(stale);
            removed++;
        }
    }
}

var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
foreach (var (relative, content) in files)
{
    var path = Path.Combine(outputDir, relative);
    if (!File.Exists(path) || File.ReadAllText(path, utf8) != content)
    {
        File.WriteAllText(path, content, utf8);
        written++;
    }
}

Console.WriteLine($"{files.Count} generated files in {Path.GetFullPath(outputDir)}: {written} written, {files.Count - written} unchanged, {removed} stale removed");
return 0;

static List<ApiPair> PairApis(List<MessageSpec> messages)
{
    var requests = messages.Where(m => m.Type == "request").ToDictionary(m => m.ApiKey!.Value);
    var responses = messages.Where(m => m.Type == "response").ToDictionary(m => m.ApiKey!.Value);
    var result = new List<ApiPair>();
    foreach (var (key, request) in requests.OrderBy(p => p.Key))
    {
        if (!responses.TryGetValue(key, out var response))
        {
            throw new InvalidDataException($"{request.Name} has no response schema");
        }

        if (request.ValidVersions != response.ValidVersions)
        {
            throw new InvalidDataException($"{request.Name} and {response.Name} have different valid versions");
        }

        result.Add(new ApiPair(MessageEmitter.ApiName(request), request, response));
    }

    return result;
}

static string? FindRepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx")))
            {
                return dir.FullName;
            }
        }
    }

    return null;
}
