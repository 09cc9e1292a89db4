using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Client.Tests.Infrastructure;

/// <summary>The stopgap listener's handlers: in-memory state, one handler per API, each as small as the tests need.</summary>
internal sealed partial class StopgapBroker
{
    private static readonly ApiKey[] Served =
    [
        ApiKey.ApiVersions, ApiKey.Metadata, ApiKey.CreateTopics, ApiKey.DeleteTopics, ApiKey.CreatePartitions,
        ApiKey.DescribeConfigs, ApiKey.AlterConfigs, ApiKey.IncrementalAlterConfigs, ApiKey.DescribeCluster,
        ApiKey.FindCoordinator, ApiKey.ListGroups, ApiKey.DescribeGroups, ApiKey.ConsumerGroupDescribe, ApiKey.DeleteGroups,
        ApiKey.OffsetCommit, ApiKey.OffsetFetch, ApiKey.OffsetDelete, ApiKey.DeleteRecords, ApiKey.ListOffsets,
        ApiKey.Produce, ApiKey.Fetch,
    ];

    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _brokerConfigs = new(StringComparer.Ordinal) { ["num.partitions"] = "1" };

    /// <summary>Seeds a classic consumer group with one member, as a JoinGroup/SyncGroup round would leave it.</summary>
    public void SeedClassicGroup(string groupId, string memberId, string clientId, IReadOnlyList<string> topics, IReadOnlyList<(string Topic, int Partition)> assignment)
    {
        var subscription = new ConsumerProtocolSubscription { Topics = [.. topics] };
        var assigned = new ConsumerProtocolAssignment
        {
            AssignedPartitions = [.. assignment.GroupBy(a => a.Topic).Select(g => new ConsumerProtocolAssignment.TopicPartition { Topic = g.Key, Partitions = [.. g.Select(a => a.Partition)] })],
        };
        lock (_lock)
        {
            _groups[groupId] = new Group
            {
                Type = "classic",
                State = "Stable",
                Protocol = "range",
                Members = [new Member(memberId, clientId, Versioned(subscription, 1), Versioned(assigned, 1), topics, assignment)],
            };
        }
    }

    /// <summary>Seeds a KIP-848 consumer group with one member.</summary>
    public void SeedConsumerGroup(string groupId, string memberId, string clientId, IReadOnlyList<string> topics, IReadOnlyList<(string Topic, int Partition)> assignment)
    {
        lock (_lock)
        {
            _groups[groupId] = new Group
            {
                Type = "consumer",
                State = "Stable",
                Protocol = "uniform",
                Members = [new Member(memberId, clientId, [], [], topics, assignment)],
            };
        }
    }

    private static byte[] Versioned(IProtocolMessage message, short version)
    {
        using var writer = new ProtocolWriter();
        writer.WriteInt16(version);
        message.Write(writer, version);
        return writer.ToArray();
    }

    private IResponseMessage? Dispatch(IRequestMessage request, short version) => request switch
    {
        ApiVersionsRequest => HandleApiVersions(),
        MetadataRequest r => HandleMetadata(r),
        CreateTopicsRequest r => HandleCreateTopics(r),
        DeleteTopicsRequest r => HandleDeleteTopics(r, version),
        CreatePartitionsRequest r => HandleCreatePartitions(r),
        DescribeConfigsRequest r => HandleDescribeConfigs(r),
        AlterConfigsRequest r => HandleAlterConfigs(r),
        IncrementalAlterConfigsRequest r => HandleIncrementalAlterConfigs(r),
        DescribeClusterRequest => HandleDescribeCluster(),
        FindCoordinatorRequest r => HandleFindCoordinator(r, version),
        ListGroupsRequest r => HandleListGroups(r),
        DescribeGroupsRequest r => HandleDescribeGroups(r),
        ConsumerGroupDescribeRequest r => HandleConsumerGroupDescribe(r),
        DeleteGroupsRequest r => HandleDeleteGroups(r),
        OffsetCommitRequest r => HandleOffsetCommit(r),
        OffsetFetchRequest r => HandleOffsetFetch(r, version),
        OffsetDeleteRequest r => HandleOffsetDelete(r),
        DeleteRecordsRequest r => HandleDeleteRecords(r),
        ListOffsetsRequest r => HandleListOffsets(r),
        ProduceRequest r => HandleProduce(r),
        FetchRequest r => HandleFetch(r, version),
        _ => throw new InvalidOperationException($"stopgap broker does not serve {request.ApiKey}"),
    };

    private static ApiVersionsResponse HandleApiVersions() => new()
    {
        ApiKeys = [.. Served.Select(k => ApiTable.Get(k)).Select(a => new ApiVersionsResponse.ApiVersion
        {
            ApiKey = (short)a.Key,
            MinVersion = a.LowestVersion,
            MaxVersion = a.Key == ApiKey.ApiVersions ? MaxApiVersionsVersion : a.LatestVersionUnstable ? (short)(a.HighestVersion - 1) : a.HighestVersion,
        })],
    };

    private MetadataResponse HandleMetadata(MetadataRequest request)
    {
        var names = request.Topics?.Select(t => t.Name!).ToList() ?? [.. _topics.Keys];
        return new MetadataResponse
        {
            Brokers = [new MetadataResponse.MetadataResponseBroker { NodeId = NodeId, Host = "127.0.0.1", Port = Port }],
            ClusterId = ClusterId,
            ControllerId = NodeId,
            Topics = [.. names.Select(name => _topics.TryGetValue(name, out var topic)
                ? new MetadataResponse.MetadataResponseTopic
                {
                    Name = name,
                    TopicId = topic.Id,
                    Partitions = [.. topic.Partitions.Select((_, i) => new MetadataResponse.MetadataResponsePartition
                    {
                        PartitionIndex = i, LeaderId = NodeId, LeaderEpoch = 0, ReplicaNodes = [NodeId], IsrNodes = [NodeId], OfflineReplicas = [],
                    })],
                }
                : new MetadataResponse.MetadataResponseTopic { Name = name, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition, Partitions = [] })],
        };
    }

    private CreateTopicsResponse HandleCreateTopics(CreateTopicsRequest request)
    {
        var response = new CreateTopicsResponse { Topics = [] };
        foreach (var t in request.Topics)
        {
            var result = new CreateTopicsResponse.CreatableTopicResult { Name = t.Name, Configs = null };
            response.Topics.Add(result);
            var partitions = t.Assignments.Count > 0 ? t.Assignments.Count : t.NumPartitions == -1 ? 1 : t.NumPartitions;
            if (_topics.ContainsKey(t.Name))
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.TopicAlreadyExists, $"Topic '{t.Name}' already exists.");
            }
            else if (t.ReplicationFactor > 1)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidReplicationFactor, "Replication factor: larger than available brokers: 1.");
            }
            else if (partitions <= 0)
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidPartitions, "Number of partitions must be larger than 0.");
            }
            else if (!request.validateOnly)
            {
                var topic = new Topic(Uuid.Random(), partitions);
                foreach (var c in t.Configs)
                {
                    topic.Configs[c.Name] = c.Value;
                }

                _topics[t.Name] = topic;
                (result.TopicId, result.NumPartitions, result.ReplicationFactor) = (topic.Id, partitions, 1);
            }
        }

        return response;
    }

    private DeleteTopicsResponse HandleDeleteTopics(DeleteTopicsRequest request, short version)
    {
        var names = version >= 6 ? request.Topics.Select(t => t.Name!).ToList() : request.TopicNames;
        return new DeleteTopicsResponse
        {
            Responses = [.. names.Select(name => new DeleteTopicsResponse.DeletableTopicResult
            {
                Name = name,
                ErrorCode = _topics.Remove(name) ? (short)0 : (short)ErrorCode.UnknownTopicOrPartition,
            })],
        };
    }

    private CreatePartitionsResponse HandleCreatePartitions(CreatePartitionsRequest request) => new()
    {
        Results = [.. request.Topics.Select(t =>
        {
            if (!_topics.TryGetValue(t.Name, out var topic))
            {
                return new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = t.Name, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition };
            }

            if (t.Count <= topic.Partitions.Count)
            {
                return new CreatePartitionsResponse.CreatePartitionsTopicResult
                {
                    Name = t.Name,
                    ErrorCode = (short)ErrorCode.InvalidPartitions,
                    ErrorMessage = $"Topic currently has {topic.Partitions.Count} partitions, which is higher than the requested {t.Count}.",
                };
            }

            if (!request.ValidateOnly)
            {
                while (topic.Partitions.Count < t.Count)
                {
                    topic.Partitions.Add(new PartitionLog());
                }
            }

            return new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = t.Name };
        })],
    };

    private DescribeConfigsResponse HandleDescribeConfigs(DescribeConfigsRequest request) => new()
    {
        Results = [.. request.Resources.Select(r =>
        {
            var result = new DescribeConfigsResponse.DescribeConfigsResult { ResourceType = r.ResourceType, ResourceName = r.ResourceName, Configs = [] };
            IEnumerable<(string Name, string? Value, sbyte Source)> entries;
            if (r.ResourceType == 2)
            {
                if (!_topics.TryGetValue(r.ResourceName, out var topic))
                {
                    (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.UnknownTopicOrPartition, $"Topic {r.ResourceName} does not exist");
                    return result;
                }

                var defaults = new Dictionary<string, string?> { ["cleanup.policy"] = "delete", ["retention.ms"] = "604800000" };
                entries = defaults.Keys.Union(topic.Configs.Keys).Order(StringComparer.Ordinal)
                    .Select(k => topic.Configs.TryGetValue(k, out var v) ? (k, v, (sbyte)1) : (k, defaults[k], (sbyte)5));
            }
            else if (r.ResourceType == 4 && (r.ResourceName == "1" || r.ResourceName.Length == 0))
            {
                entries = _brokerConfigs.Select(c => (c.Key, c.Value, (sbyte)(r.ResourceName.Length == 0 ? 3 : 2)))
                    .Append(("log.dirs", "/tmp/stopgap", (sbyte)4));
            }
            else
            {
                (result.ErrorCode, result.ErrorMessage) = ((short)ErrorCode.InvalidRequest, $"unknown resource {r.ResourceType} {r.ResourceName}");
                return result;
            }

            result.Configs = [.. entries
                .Where(e => r.ConfigurationKeys is null || r.ConfigurationKeys.Contains(e.Name))
                .Select(e => new DescribeConfigsResponse.DescribeConfigsResourceResult
                {
                    Name = e.Name,
                    Value = e.Value,
                    ConfigSource = e.Source,
                    ReadOnly = e.Source == 4,
                    Synonyms = request.IncludeSynonyms ? [new DescribeConfigsResponse.DescribeConfigsSynonym { Name = e.Name, Value = e.Value, Source = e.Source }] : [],
                    Documentation = request.IncludeDocumentation ? $"the {e.Name} setting" : null,
                })];
            return result;
        })],
    };

    private Dictionary<string, string?>? ConfigsOf(sbyte type, string name) => type switch
    {
        2 => _topics.TryGetValue(name, out var topic) ? topic.Configs : null,
        4 when name is "1" or "" => _brokerConfigs,
        _ => null,
    };

    private AlterConfigsResponse HandleAlterConfigs(AlterConfigsRequest request) => new()
    {
        Responses = [.. request.Resources.Select(r =>
        {
            var configs = ConfigsOf(r.ResourceType, r.ResourceName);
            if (configs is null)
            {
                return new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = r.ResourceType, ResourceName = r.ResourceName, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition };
            }

            if (!request.ValidateOnly)
            {
                configs.Clear();
                foreach (var c in r.Configs)
                {
                    configs[c.Name] = c.Value;
                }
            }

            return new AlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = r.ResourceType, ResourceName = r.ResourceName };
        })],
    };

    private IncrementalAlterConfigsResponse HandleIncrementalAlterConfigs(IncrementalAlterConfigsRequest request) => new()
    {
        Responses = [.. request.Resources.Select(r =>
        {
            var response = new IncrementalAlterConfigsResponse.AlterConfigsResourceResponse { ResourceType = r.ResourceType, ResourceName = r.ResourceName };
            var configs = ConfigsOf(r.ResourceType, r.ResourceName);
            if (configs is null)
            {
                response.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                return response;
            }

            foreach (var c in r.Configs)
            {
                if (c.Name.Length == 0 || c.ConfigOperation is < 0 or > 3)
                {
                    (response.ErrorCode, response.ErrorMessage) = ((short)ErrorCode.InvalidConfig, $"invalid operation {c.ConfigOperation} on '{c.Name}'");
                    return response;
                }
            }

            if (request.ValidateOnly)
            {
                return response;
            }

            foreach (var c in r.Configs)
            {
                var list = configs.TryGetValue(c.Name, out var current) && !string.IsNullOrEmpty(current) ? current.Split(',').ToList() : [];
                switch (c.ConfigOperation)
                {
                    case 0: configs[c.Name] = c.Value; break;
                    case 1: configs.Remove(c.Name); break;
                    case 2: configs[c.Name] = string.Join(',', list.Append(c.Value!)); break;
                    default: configs[c.Name] = string.Join(',', list.Where(v => v != c.Value)); break;
                }
            }

            return response;
        })],
    };

    private DescribeClusterResponse HandleDescribeCluster() => new()
    {
        ClusterId = ClusterId,
        ControllerId = NodeId,
        Brokers = [new DescribeClusterResponse.DescribeClusterBroker { BrokerId = NodeId, Host = "127.0.0.1", Port = Port, Rack = "rack-a" }],
    };

    private FindCoordinatorResponse HandleFindCoordinator(FindCoordinatorRequest request, short version) => version >= 4
        ? new FindCoordinatorResponse { Coordinators = [.. request.CoordinatorKeys.Select(k => new FindCoordinatorResponse.Coordinator { Key = k, NodeId = NodeId, Host = "127.0.0.1", Port = Port })] }
        : new FindCoordinatorResponse { NodeId = NodeId, Host = "127.0.0.1", Port = Port };

    private ListGroupsResponse HandleListGroups(ListGroupsRequest request) => new()
    {
        Groups = [.. _groups
            .Where(g => request.StatesFilter.Count == 0 || request.StatesFilter.Contains(g.Value.State, StringComparer.OrdinalIgnoreCase))
            .Where(g => request.TypesFilter.Count == 0 || request.TypesFilter.Contains(g.Value.Type, StringComparer.OrdinalIgnoreCase))
            .Select(g => new ListGroupsResponse.ListedGroup { GroupId = g.Key, ProtocolType = "consumer", GroupState = g.Value.State, GroupType = g.Value.Type })],
    };

    private DescribeGroupsResponse HandleDescribeGroups(DescribeGroupsRequest request) => new()
    {
        Groups = [.. request.Groups.Select(id => _groups.TryGetValue(id, out var group) && group.Type == "classic"
            ? new DescribeGroupsResponse.DescribedGroup
            {
                GroupId = id,
                GroupState = group.State,
                ProtocolType = "consumer",
                ProtocolData = group.Protocol,
                Members = [.. group.Members.Select(m => new DescribeGroupsResponse.DescribedGroupMember
                {
                    MemberId = m.Id, ClientId = m.ClientId, ClientHost = "/127.0.0.1", MemberMetadata = m.Metadata, MemberAssignment = m.Assignment,
                })],
            }
            : new DescribeGroupsResponse.DescribedGroup { GroupId = id, GroupState = "Dead", ProtocolType = string.Empty, ProtocolData = string.Empty, Members = [] })],
    };

    private ConsumerGroupDescribeResponse HandleConsumerGroupDescribe(ConsumerGroupDescribeRequest request) => new()
    {
        Groups = [.. request.GroupIds.Select(id => _groups.TryGetValue(id, out var group) && group.Type == "consumer"
            ? new ConsumerGroupDescribeResponse.DescribedGroup
            {
                GroupId = id,
                GroupState = group.State,
                GroupEpoch = 3,
                AssignmentEpoch = 3,
                AssignorName = group.Protocol,
                Members = [.. group.Members.Select(m => new ConsumerGroupDescribeResponse.Member
                {
                    MemberId = m.Id,
                    MemberEpoch = 3,
                    ClientId = m.ClientId,
                    ClientHost = "/127.0.0.1",
                    SubscribedTopicNames = [.. m.Topics],
                    Assignment = Assignment(m.Partitions),
                    TargetAssignment = Assignment(m.Partitions),
                })],
            }
            : new ConsumerGroupDescribeResponse.DescribedGroup
            {
                GroupId = id, ErrorCode = (short)ErrorCode.GroupIdNotFound, GroupState = string.Empty, AssignorName = string.Empty, Members = [],
            })],
    };

    private ConsumerGroupDescribeResponse.Assignment Assignment(IReadOnlyList<(string Topic, int Partition)> partitions) => new()
    {
        TopicPartitions = [.. partitions.GroupBy(p => p.Topic).Select(g => new ConsumerGroupDescribeResponse.TopicPartitions
        {
            TopicId = _topics.TryGetValue(g.Key, out var t) ? t.Id : Uuid.Zero,
            TopicName = g.Key,
            Partitions = [.. g.Select(p => p.Partition)],
        })],
    };

    private DeleteGroupsResponse HandleDeleteGroups(DeleteGroupsRequest request) => new()
    {
        Results = [.. request.GroupsNames.Select(id => new DeleteGroupsResponse.DeletableGroupResult
        {
            GroupId = id,
            ErrorCode = !_groups.TryGetValue(id, out var group) ? (short)ErrorCode.GroupIdNotFound
                : group.Members.Count > 0 ? (short)ErrorCode.NonEmptyGroup
                : _groups.Remove(id) ? (short)0 : (short)ErrorCode.GroupIdNotFound,
        })],
    };

    private OffsetCommitResponse HandleOffsetCommit(OffsetCommitRequest request)
    {
        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            _groups[request.GroupId] = group = new Group { Type = "classic", State = "Empty", Protocol = string.Empty, Members = [] };
        }

        return new OffsetCommitResponse
        {
            Topics = [.. request.Topics.Select(t => new OffsetCommitResponse.OffsetCommitResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(p =>
                {
                    var known = _topics.TryGetValue(t.Name, out var topic) && p.PartitionIndex < topic.Partitions.Count;
                    if (known)
                    {
                        group.Offsets[(t.Name, p.PartitionIndex)] = p.CommittedOffset;
                    }

                    return new OffsetCommitResponse.OffsetCommitResponsePartition
                    {
                        PartitionIndex = p.PartitionIndex,
                        ErrorCode = known ? (short)0 : (short)ErrorCode.UnknownTopicOrPartition,
                    };
                })],
            })],
        };
    }

    private OffsetFetchResponse HandleOffsetFetch(OffsetFetchRequest request, short version)
    {
        List<(string Topic, int Partition, long Offset)> Lookup(string groupId, IEnumerable<(string Topic, IEnumerable<int> Partitions)>? wanted)
        {
            var offsets = _groups.TryGetValue(groupId, out var group) ? group.Offsets : [];
            return wanted is null
                ? [.. offsets.Select(o => (o.Key.Topic, o.Key.Partition, o.Value))]
                : [.. wanted.SelectMany(t => t.Partitions.Select(p => (t.Topic, p, offsets.TryGetValue((t.Topic, p), out var o) ? o : -1L)))];
        }

        if (version >= 8)
        {
            return new OffsetFetchResponse
            {
                Groups = [.. request.Groups.Select(g => new OffsetFetchResponse.OffsetFetchResponseGroup
                {
                    GroupId = g.GroupId,
                    Topics = [.. Lookup(g.GroupId, g.Topics?.Select(t => (t.Name, (IEnumerable<int>)t.PartitionIndexes))).GroupBy(o => o.Topic).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopics
                    {
                        Name = t.Key,
                        Partitions = [.. t.Select(o => new OffsetFetchResponse.OffsetFetchResponsePartitions { PartitionIndex = o.Partition, CommittedOffset = o.Offset, Metadata = string.Empty })],
                    })],
                })],
            };
        }

        return new OffsetFetchResponse
        {
            Topics = [.. Lookup(request.GroupId, request.Topics?.Select(t => (t.Name, (IEnumerable<int>)t.PartitionIndexes))).GroupBy(o => o.Topic).Select(t => new OffsetFetchResponse.OffsetFetchResponseTopic
            {
                Name = t.Key,
                Partitions = [.. t.Select(o => new OffsetFetchResponse.OffsetFetchResponsePartition { PartitionIndex = o.Partition, CommittedOffset = o.Offset, Metadata = string.Empty })],
            })],
        };
    }

    private OffsetDeleteResponse HandleOffsetDelete(OffsetDeleteRequest request)
    {
        if (!_groups.TryGetValue(request.GroupId, out var group))
        {
            return new OffsetDeleteResponse { ErrorCode = (short)ErrorCode.GroupIdNotFound, Topics = [] };
        }

        return new OffsetDeleteResponse
        {
            Topics = [.. request.Topics.Select(t => new OffsetDeleteResponse.OffsetDeleteResponseTopic
            {
                Name = t.Name,
                Partitions = [.. t.Partitions.Select(p =>
                {
                    var subscribed = group.Members.Any(m => m.Topics.Contains(t.Name));
                    if (!subscribed)
                    {
                        group.Offsets.Remove((t.Name, p.PartitionIndex));
                    }

                    return new OffsetDeleteResponse.OffsetDeleteResponsePartition
                    {
                        PartitionIndex = p.PartitionIndex,
                        ErrorCode = subscribed ? (short)ErrorCode.GroupSubscribedToTopic : (short)0,
                    };
                })],
            })],
        };
    }

    private sealed class Member(string id, string clientId, byte[] metadata, byte[] assignment, IReadOnlyList<string> topics, IReadOnlyList<(string Topic, int Partition)> partitions)
    {
        public string Id { get; } = id;

        public string ClientId { get; } = clientId;

        public byte[] Metadata { get; } = metadata;

        public byte[] Assignment { get; } = assignment;

        public IReadOnlyList<string> Topics { get; } = topics;

        public IReadOnlyList<(string Topic, int Partition)> Partitions { get; } = partitions;
    }

    private sealed class Group
    {
        public required string Type { get; init; }

        public required string State { get; set; }

        public required string Protocol { get; init; }

        public required List<Member> Members { get; init; }

        public Dictionary<(string Topic, int Partition), long> Offsets { get; } = [];
    }
}
