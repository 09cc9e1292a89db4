using System.Text.RegularExpressions;
using Samsa.Broker.Requests;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Tests.Requests;

public sealed partial class ArchitectureDocTests
{
    [Fact]
    public async Task The_api_table_in_ARCHITECTURE_md_is_the_registered_handlers()
    {
        await using var broker = await TestBroker.StartAsync();
        var table = ApiHandlerTable.Create(broker.Services);
        var root = RepositoryRoot();
        var text = File.ReadAllText(Path.Combine(root, "docs", "ARCHITECTURE.md"));

        var documented = Row().Matches(text).Select(m => (
            Key: short.Parse(m.Groups["key"].Value, System.Globalization.CultureInfo.InvariantCulture),
            Name: m.Groups["name"].Value,
            Min: short.Parse(m.Groups["min"].Value, System.Globalization.CultureInfo.InvariantCulture),
            Max: short.Parse(m.Groups["max"].Value, System.Globalization.CultureInfo.InvariantCulture),
            File: m.Groups["file"].Value)).ToList();

        var registered = table.Handlers.Select(h => (Key: (short)h.ApiKey, Name: h.ApiKey.ToString(), Min: h.MinVersion, Max: h.MaxVersion, File: $"src/Samsa.Broker/Handlers/{h.GetType().Name}.cs")).ToList();
        Assert.Equal(registered, documented);
        Assert.All(documented, row => Assert.True(File.Exists(Path.Combine(root, row.File)), $"{row.File} does not exist"));
        Assert.All(registered, row => Assert.Equal(row.Name + "Handler", Path.GetFileNameWithoutExtension(row.File)));
        Assert.Equal(table.Handlers.Count, table.ApiVersions().Count);
        Assert.All(table.ApiVersions(), v => Assert.True(ApiTable.TryGet(v.ApiKey, out _)));
    }

    [GeneratedRegex(@"^\| (?<name>\w+) \((?<key>\d+)\) \| (?<min>\d+)-(?<max>\d+)[^|]* \| `(?<file>[^`]+)` \|$", RegexOptions.Multiline)]
    private static partial Regex Row();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Samsa.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Samsa.slnx not found above the test binaries");
    }
}
