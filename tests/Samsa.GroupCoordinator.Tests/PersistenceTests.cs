using Samsa.GroupCoordinator.Records;
using Samsa.Protocol.GroupCoordinatorRecords;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.GroupCoordinator.Tests;

public sealed class PersistenceTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("hello", 99162322)]
    [InlineData("abc", 96354)]
    [InlineData("polygenelubricants", int.MinValue)]
    public void Group_ids_hash_as_java_strings(string groupId, int expected) =>
        Assert.Equal(expected, CoordinatorPartitioner.JavaStringHashCode(groupId));

    [Fact]
    public void The_coordinator_partition_is_kafkas_abs_of_the_hash_modulo_the_partitions()
    {
        Assert.Equal(99162322 % 50, CoordinatorPartitioner.PartitionFor("hello", 50));
        Assert.Equal(0, CoordinatorPartitioner.PartitionFor("polygenelubricants", 50));

        // "console-consumer-1" hashes negative in Java; Kafka takes its absolute value.
        var hash = CoordinatorPartitioner.JavaStringHashCode("Aa-negative-hash-group");
        Assert.Equal(Math.Abs(hash) % 50, CoordinatorPartitioner.PartitionFor("Aa-negative-hash-group", 50));
    }

    [Fact]
    public async Task Records_use_kafkas_key_and_value_versions()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1 });
        await h.FormGroup("g", 1);
        await h.Commit("g2", "t", 2, 77, metadata: "meta");
        var records = ReadRecords(h.Log.ReadPartition(0));

        var groupRecord = records.First(r => r.KeyVersion == 2);
        Assert.Equal(3, groupRecord.ValueVersion);
        var groupKeyReader = new ProtocolReader(groupRecord.Key.AsMemory(2));
        Assert.Equal("g", GroupMetadataKey.Read(ref groupKeyReader, 2).group);
        var valueReader = new ProtocolReader(groupRecord.Value.AsMemory(2));
        var value = GroupMetadataValue.Read(ref valueReader, 3);
        Assert.Equal("consumer", value.protocolType);
        Assert.Equal(1, value.generation);
        Assert.Equal("range", value.protocol);
        Assert.Single(value.members);

        var offsetRecord = records.Last(r => r.KeyVersion == 1);
        Assert.Equal(3, offsetRecord.ValueVersion);
        var offsetKeyReader = new ProtocolReader(offsetRecord.Key.AsMemory(2));
        var key = OffsetCommitKey.Read(ref offsetKeyReader, 1);
        Assert.Equal(("g2", "t", 2), (key.group, key.topic, key.partition));
        var offsetValueReader = new ProtocolReader(offsetRecord.Value.AsMemory(2));
        var offset = OffsetCommitValue.Read(ref offsetValueReader, 3);
        Assert.Equal((77L, "meta"), (offset.offset, offset.metadata));
    }

    [Fact]
    public async Task Loading_the_log_reproduces_groups_offsets_and_consumer_groups()
    {
        using var h = new Harness();
        var topic = h.Topics.Add("t", 4);
        var joins = await h.FormGroup("classic", 3);
        await h.Commit("classic", "t", 0, 10, 1, joins[0].MemberId, "a");
        await h.Commit("simple", "t", 1, 20);
        await h.Commit("simple", "t", 1, 21);
        await h.Commit("deleted-offsets", "x", 0, 1);
        await h.Coordinator.OffsetDeleteAsync(Harness.Context(0), new OffsetDeleteRequest { GroupId = "deleted-offsets", Topics = [new() { Name = "x", Partitions = [new() { PartitionIndex = 0 }] }] });
        var member = await h.Coordinator.ConsumerGroupHeartbeatAsync(Harness.Context(1), new ConsumerGroupHeartbeatRequest
        {
            GroupId = "kip848",
            MemberId = "m1",
            MemberEpoch = 0,
            RebalanceTimeoutMs = 30_000,
            SubscribedTopicNames = ["t"],
            TopicPartitions = [],
        });

        using var reloaded = h.Reload();
        Assert.Equal(10, reloaded.Fetch("classic", "t", 0));
        Assert.Equal(21, reloaded.Fetch("simple", "t", 1));
        Assert.Equal(-1, reloaded.Fetch("deleted-offsets", "x", 0));

        var before = h.Describe("classic");
        var after = reloaded.Describe("classic");
        Assert.Equal("Stable", after.GroupState);
        Assert.Equal(before.Members.Select(m => (m.MemberId, m.ClientId, Convert.ToHexString(m.MemberAssignment))).Order(), after.Members.Select(m => (m.MemberId, m.ClientId, Convert.ToHexString(m.MemberAssignment))).Order());

        // The loaded members keep their generation: they heartbeat on as if nothing happened.
        Assert.All(joins, j => Assert.Equal(Samsa.Protocol.Errors.ErrorCode.None, reloaded.Heartbeat("classic", j.MemberId, 1)));

        var described = reloaded.Coordinator.ConsumerGroupDescribe(Harness.Context(0), new ConsumerGroupDescribeRequest { GroupIds = ["kip848"] }).Groups[0];
        Assert.Equal("Stable", described.GroupState);
        Assert.Equal(member.MemberEpoch, described.Members[0].MemberEpoch);
        Assert.Equal([0, 1, 2, 3], described.Members[0].Assignment.TopicPartitions.Single(t => t.TopicId == topic.Id).Partitions.Order());

        var again = await reloaded.Coordinator.ConsumerGroupHeartbeatAsync(Harness.Context(1), new ConsumerGroupHeartbeatRequest
        {
            GroupId = "kip848",
            MemberId = "m1",
            MemberEpoch = member.MemberEpoch,
            RebalanceTimeoutMs = -1,
        });
        Assert.Equal((short)Samsa.Protocol.Errors.ErrorCode.None, again.ErrorCode);
        Assert.Equal(member.MemberEpoch, again.MemberEpoch);
    }

    [Fact]
    public async Task Loading_skips_records_of_types_it_does_not_keep()
    {
        using var h = new Harness(new GroupCoordinatorConfig { OffsetsTopicPartitions = 1 });
        await h.Commit("g", "t", 0, 3);
        using var builder = new RecordBatchBuilder();
        builder.Append(0, new byte[] { 0, 10, 0, 1, (byte)'x' }, new byte[] { 0, 0 });
        var log = h.Log.ReadPartition(0).Concat(builder.ToArray()).ToArray();

        using var coordinator = new GroupCoordinator(h.Config, new InMemoryCoordinatorLog(), h.Topics, h.Time);
        using var loader = coordinator.BeginLoad(0, 1);
        loader.Load(log);
        loader.Complete();
        Assert.Equal(1, loader.RecordsSkipped);
        Assert.Equal(1, loader.RecordsLoaded);
    }

    private static List<(short KeyVersion, byte[] Key, short ValueVersion, byte[]? Value)> ReadRecords(byte[] log)
    {
        var result = new List<(short, byte[], short, byte[]?)>();
        using var reader = new RecordBatchReader();
        var iterator = new RecordBatchIterator(log);
        while (iterator.MoveNext())
        {
            foreach (var record in reader.Read(iterator.Current.Bytes))
            {
                var key = record.Key.ToArray()!;
                var value = record.Value.ToArray();
                result.Add(((short)((key[0] << 8) | key[1]), key, value is null ? (short)-1 : (short)((value[0] << 8) | value[1]), value));
            }
        }

        return result;
    }

    internal static CoordinatorRecordType Unused => CoordinatorRecordType.OffsetCommit;
}
