using System.CommandLine;

namespace Samsa.Cli.Cluster;

/// <summary><c>samsa cluster info</c>.</summary>
internal static class ClusterCommand
{
    public static Command Create() => new("cluster", "The cluster: brokers, controller, id, API versions")
    {
        ClusterInfoCommand.Create(),
    };
}
