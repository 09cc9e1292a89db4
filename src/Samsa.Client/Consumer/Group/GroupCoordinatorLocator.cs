using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Client.Network;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Consumer.Group;

/// <summary>Finds a group's coordinator (FindCoordinator, batched form from v4) and registers its address with the pool.</summary>
internal static class GroupCoordinatorLocator
{
    public static async Task<int> FindAsync(ConnectionPool pool, string groupId, CancellationToken ct)
    {
        var connection = await pool.GetAnyAsync(ct).ConfigureAwait(false);
        var version = connection.Versions.Pick(ApiKey.FindCoordinator, connection.Name);
        var request = version >= 4
            ? new FindCoordinatorRequest { KeyType = 0, CoordinatorKeys = [groupId] }
            : new FindCoordinatorRequest { KeyType = 0, Key = groupId };
        var response = await connection.SendAsync<FindCoordinatorResponse>(request, version, ct).ConfigureAwait(false);
        int nodeId;
        string host;
        int port;
        if (version >= 4)
        {
            var coordinator = response.Coordinators.Single(c => c.Key == groupId);
            KafkaBrokerException.ThrowIfError(coordinator.ErrorCode, coordinator.ErrorMessage, $"coordinator of group {groupId}");
            (nodeId, host, port) = (coordinator.NodeId, coordinator.Host, coordinator.Port);
        }
        else
        {
            KafkaBrokerException.ThrowIfError(response.ErrorCode, response.ErrorMessage, $"coordinator of group {groupId}");
            (nodeId, host, port) = (response.NodeId, response.Host, response.Port);
        }

        pool.UpdateAddresses([new(nodeId, new BrokerAddress(host, port))]);
        return nodeId;
    }
}
