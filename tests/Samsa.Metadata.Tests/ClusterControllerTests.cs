using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Tests;

public sealed class ClusterControllerTests
{
    [Fact]
    public async Task Bootstrap_writes_metadata_version_once_and_registration_fences_until_the_heartbeat()
    {
        using var dir = new TempDirectory();
        await using var node = await MetadataNode.StartAsync(dir.Path, register: false);
        Assert.Equal(21, node.Loader.Image.Features.MetadataVersionLevel);
        var offset = node.Loader.Image.Offset;
        await node.Controller.BootstrapAsync(CancellationToken.None);
        Assert.Equal(offset, node.Loader.Image.Offset);

        var epoch = await node.RegisterAsync(1, unfence: false);
        var broker = node.Loader.Image.Cluster.Broker(1)!;
        Assert.True(broker.Fenced);
        Assert.Equal(epoch, broker.Epoch);
        Assert.Equal(node.Loader.Image.Offset, epoch);

        var heartbeat = await node.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatRequest { BrokerId = 1, BrokerEpoch = epoch - 1, CurrentMetadataOffset = epoch }, CancellationToken.None);
        Assert.Equal(ErrorCode.StaleBrokerEpoch, (ErrorCode)heartbeat.ErrorCode);
        heartbeat = await node.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatRequest { BrokerId = 1, BrokerEpoch = epoch, CurrentMetadataOffset = epoch - 1 }, CancellationToken.None);
        Assert.True(heartbeat.IsFenced);
        heartbeat = await node.Controller.BrokerHeartbeatAsync(new BrokerHeartbeatRequest { BrokerId = 1, BrokerEpoch = epoch, CurrentMetadataOffset = epoch }, CancellationToken.None);
        Assert.False(heartbeat.IsFenced);
        Assert.True(node.Loader.Image.Cluster.IsActive(1));
    }

    [Fact]
    public async Task Registration_with_another_cluster_id_is_refused()
    {
        using var dir = new TempDirectory();
        await using var node = await MetadataNode.StartAsync(dir.Path, register: false);

        var response = await node.Controller.RegisterBrokerAsync(new BrokerRegistrationRequest { BrokerId = 1, ClusterId = "other", IncarnationId = Uuid.Random() }, CancellationToken.None);

        Assert.Equal(ErrorCode.InconsistentClusterId, (ErrorCode)response.ErrorCode);
    }

    [Fact]
    public async Task A_reregistered_broker_leads_its_partitions_again_in_a_new_leader_epoch()
    {
        using var dir = new TempDirectory();
        await using var node = await MetadataNode.StartAsync(dir.Path);
        await node.CreateTopicAsync("t", 2);

        await node.RegisterAsync(1);

        var topic = node.Loader.Image.Topics.Get("t")!;
        Assert.All(topic.Partitions.Values, p => Assert.Equal((1, 1), (p.Leader, p.LeaderEpoch)));
    }

    [Fact]
    public async Task Producer_id_blocks_do_not_overlap_and_need_the_current_broker_epoch()
    {
        using var dir = new TempDirectory();
        await using var node = await MetadataNode.StartAsync(dir.Path);
        var epoch = node.Loader.Image.Cluster.Broker(1)!.Epoch;

        var first = await node.Controller.AllocateProducerIdsAsync(new AllocateProducerIdsRequest { BrokerId = 1, BrokerEpoch = epoch }, CancellationToken.None);
        var second = await node.Controller.AllocateProducerIdsAsync(new AllocateProducerIdsRequest { BrokerId = 1, BrokerEpoch = epoch }, CancellationToken.None);
        var stale = await node.Controller.AllocateProducerIdsAsync(new AllocateProducerIdsRequest { BrokerId = 1, BrokerEpoch = epoch + 100 }, CancellationToken.None);

        Assert.Equal((0L, 1000), (first.ProducerIdStart, first.ProducerIdLen));
        Assert.Equal(1000, second.ProducerIdStart);
        Assert.Equal(ErrorCode.StaleBrokerEpoch, (ErrorCode)stale.ErrorCode);
        Assert.Equal(2000, node.Loader.Image.ProducerIds.NextProducerId);
    }
}
