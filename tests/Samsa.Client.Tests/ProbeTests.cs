using Samsa.Client.Configuration;
using Samsa.Client.Network;
using Samsa.Client.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Samsa.Client.Tests;

public sealed class ProbeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        using var mock = new MockCluster(3);
        output.WriteLine(mock.Bootstrap);
        var config = new AdminClientConfig { BootstrapServers = mock.Bootstrap };
        var settings = ConnectionSettings.From(config);
        await using var c = await BrokerConnection.ConnectAsync(BrokerAddress.ParseList(mock.Bootstrap)[0], -1, settings, CancellationToken.None);
        foreach (var v in c.Versions.All)
        {
            output.WriteLine($"{v.ApiKey} {v.MinVersion}-{v.MaxVersion}");
        }
    }
}
