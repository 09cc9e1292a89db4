using Samsa.Broker.Configuration;

namespace Samsa.Broker.Tests.Configuration;

public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void Docs_configuration_md_matches_the_definition_table()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "configuration.md");
        var generated = ConfigurationReference.ToMarkdown();
        if (Environment.GetEnvironmentVariable("SAMSA_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, generated);
        }

        var text = File.ReadAllText(path);
        foreach (var definition in BrokerConfigs.All)
        {
            Assert.Contains($"| `{definition.Name}` |", text, StringComparison.Ordinal);
        }

        Assert.True(generated == text, "docs/configuration.md is out of date: run SAMSA_UPDATE_DOCS=1 dotnet test tests/Samsa.Broker.Tests -c Release --filter ConfigurationReferenceTests");
    }

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
