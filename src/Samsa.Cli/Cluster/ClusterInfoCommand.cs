using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Cluster;

/// <summary><c>samsa cluster info [--api-versions]</c>: cluster id, controller, brokers, and the API versions the answering broker supports.</summary>
internal static class ClusterInfoCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("info", "Show the cluster id, controller, brokers and API versions");
        Run.Action(command, async (parse, ct) =>
        {
            await using var admin = Admin.Create(options, parse);
            var cluster = await admin.DescribeClusterAsync(ct);
            var summary = new Table("cluster", "CLUSTER-ID", "CONTROLLER", "BROKERS", "ANSWERED-BY")
                .Add(cluster.ClusterId, cluster.ControllerId, cluster.Brokers.Count, cluster.AnsweredBy);
            var brokers = new Table("brokers", "ID", "HOST", "PORT", "RACK", "CONTROLLER");
            foreach (var broker in cluster.Brokers)
            {
                brokers.Add(broker.NodeId, broker.Host, broker.Port, broker.Rack, broker.NodeId == cluster.ControllerId);
            }

            var versions = new Table("apiVersions", "API", "KEY", "MIN", "MAX");
            foreach (var api in cluster.ApiVersions.All.OrderBy(a => (short)a.ApiKey))
            {
                versions.Add(api.ApiKey.ToString(), (int)(short)api.ApiKey, (int)api.MinVersion, (int)api.MaxVersion);
            }

            Printer.Print(options.Format(parse), summary, brokers, versions);
            return 0;
        });
        return command;
    }
}
