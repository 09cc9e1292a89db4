using Samsa.Metadata.Image;
using Samsa.Metadata.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.MetadataRecords;
using Samsa.Protocol.Primitives;

namespace Samsa.Metadata.Controller;

/// <summary>
/// Topic and partition changes as Kafka's ReplicationControlManager decides them: pure functions from the current
/// image and a request to the records to write and the per-topic answers, with Kafka's codes and messages.
/// </summary>
internal static class ReplicationControl
{
    public const string DuplicateTopicName = "Duplicate topic name.";

    public static ControllerResult<CreateTopicsResponse> CreateTopics(MetadataImage image, CreateTopicsRequest request, ControllerOptions options)
    {
        var errors = new Dictionary<string, ApiError>(StringComparer.Ordinal);
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var unifiedNames = UnifiedNames(image);
        foreach (var topic in request.Topics)
        {
            if (!seen.Add(topic.Name))
            {
                errors[topic.Name] = ApiError.Of(ErrorCode.InvalidRequest, DuplicateTopicName);
                continue;
            }

            order.Add(topic.Name);
        }

        var records = new List<MetadataRecordAndVersion>();
        var results = new Dictionary<string, CreateTopicsResponse.CreatableTopicResult>(StringComparer.Ordinal);
        foreach (var topic in request.Topics)
        {
            if (errors.ContainsKey(topic.Name) || results.ContainsKey(topic.Name))
            {
                continue;
            }

            var error = ValidateNewName(image, topic.Name, unifiedNames);
            if (!error.IsFailure)
            {
                var topicRecords = new List<MetadataRecordAndVersion>();
                error = ConfigRecordsForNewTopic(topic, options.ConfigSchema, topicRecords);
                if (!error.IsFailure)
                {
                    error = CreateTopic(image, topic, options, topicRecords, out var result);
                    if (!error.IsFailure)
                    {
                        results[topic.Name] = result!;
                        records.AddRange(topicRecords);
                        if (TopicNames.HasCollisionChars(topic.Name))
                        {
                            unifiedNames.TryAdd(TopicNames.UnifyCollisionChars(topic.Name), topic.Name);
                        }
                    }
                }
            }

            if (error.IsFailure)
            {
                errors[topic.Name] = error;
            }
        }

        var response = new CreateTopicsResponse();
        foreach (var name in order)
        {
            if (errors.TryGetValue(name, out var error))
            {
                response.Topics.Add(new CreateTopicsResponse.CreatableTopicResult
                {
                    Name = name,
                    ErrorCode = (short)error.Code,
                    ErrorMessage = error.Message,
                    NumPartitions = -1,
                    ReplicationFactor = -1,
                    Configs = null,
                });
            }
            else
            {
                response.Topics.Add(results[name]);
            }
        }

        return new ControllerResult<CreateTopicsResponse>(request.validateOnly ? [] : records, response);
    }

    public static ControllerResult<List<DeleteTopicsResponse.DeletableTopicResult>> DeleteTopics(
        MetadataImage image, IReadOnlyList<DeleteTopicsRequest.DeleteTopicState> topics, ControllerOptions options)
    {
        var records = new List<MetadataRecordAndVersion>();
        var results = new List<DeleteTopicsResponse.DeletableTopicResult>(topics.Count);
        var deleted = new HashSet<Uuid>();
        foreach (var state in topics)
        {
            var result = new DeleteTopicsResponse.DeletableTopicResult { Name = state.Name, TopicId = state.TopicId };
            results.Add(result);
            var error = ResolveForDeletion(image, state, options, out var topic);
            if (!error.IsFailure && !deleted.Add(topic!.Id))
            {
                error = ApiError.Of(ErrorCode.InvalidRequest, state.Name is null ? "Duplicate topic id." : DuplicateTopicName);
            }

            if (error.IsFailure)
            {
                result.ErrorCode = (short)error.Code;
                result.ErrorMessage = error.Message;
                continue;
            }

            result.Name = topic!.Name;
            result.TopicId = topic.Id;
            records.Add(MetadataRecordAndVersion.Of(new RemoveTopicRecord { TopicId = topic.Id }));
        }

        return new ControllerResult<List<DeleteTopicsResponse.DeletableTopicResult>>(records, results);
    }

    public static ControllerResult<CreatePartitionsResponse> CreatePartitions(MetadataImage image, CreatePartitionsRequest request)
    {
        var records = new List<MetadataRecordAndVersion>();
        var response = new CreatePartitionsResponse();
        var counts = request.Topics.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in request.Topics)
        {
            if (!answered.Add(topic.Name))
            {
                continue;
            }

            var error = counts[topic.Name] > 1
                ? ApiError.Of(ErrorCode.InvalidRequest, DuplicateTopicName)
                : AddPartitions(image, topic, records);
            response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult
            {
                Name = topic.Name,
                ErrorCode = (short)error.Code,
                ErrorMessage = error.Message,
            });
        }

        return new ControllerResult<CreatePartitionsResponse>(request.ValidateOnly ? [] : records, response);
    }

    /// <summary>
    /// Leadership for a broker that has just been unfenced: every partition that has it in the ISR and no leader,
    /// or that it led in its previous incarnation, gets it as leader in a new leader epoch.
    /// </summary>
    public static void ElectUnfencedBroker(MetadataImage image, int brokerId, List<MetadataRecordAndVersion> records)
    {
        foreach (var topic in image.Topics.ById.Values)
        {
            foreach (var (partitionId, partition) in topic.Partitions)
            {
                if (partition.IsInSync(brokerId) && (partition.Leader == brokerId || !partition.HasLeader))
                {
                    records.Add(MetadataRecordAndVersion.Of(new PartitionChangeRecord { TopicId = topic.Id, PartitionId = partitionId, Leader = brokerId }));
                }
            }
        }
    }

    private static Dictionary<string, string> UnifiedNames(MetadataImage image)
    {
        var unified = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in image.Topics.ByName.Keys)
        {
            if (TopicNames.HasCollisionChars(name))
            {
                unified.TryAdd(TopicNames.UnifyCollisionChars(name), name);
            }
        }

        return unified;
    }

    private static ApiError ValidateNewName(MetadataImage image, string name, Dictionary<string, string> unifiedNames)
    {
        if (TopicNames.Validate(name) is { } invalid)
        {
            return ApiError.Of(ErrorCode.InvalidTopicException, invalid);
        }

        if (image.Topics.Get(name) is not null)
        {
            return ApiError.Of(ErrorCode.TopicAlreadyExists, $"Topic '{name}' already exists.");
        }

        if (TopicNames.HasCollisionChars(name) && unifiedNames.TryGetValue(TopicNames.UnifyCollisionChars(name), out var colliding))
        {
            return ApiError.Of(ErrorCode.InvalidTopicException, $"Topic '{name}' collides with existing topic: {colliding}");
        }

        return ApiError.None;
    }

    private static ApiError ConfigRecordsForNewTopic(CreateTopicsRequest.CreatableTopic topic, IConfigSchema schema, List<MetadataRecordAndVersion> records)
    {
        var nulls = topic.Configs.Where(c => c.Value is null).Select(c => c.Name).ToList();
        if (nulls.Count > 0)
        {
            return ApiError.Of(ErrorCode.InvalidConfig, $"Null value not supported for topic configs: {string.Join(',', nulls)}");
        }

        var configs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var config in topic.Configs)
        {
            configs[config.Name] = config.Value!;
        }

        if (schema.Validate(ConfigResource.Topic(topic.Name), configs) is { } invalid)
        {
            return ApiError.Of(ErrorCode.InvalidConfig, invalid);
        }

        foreach (var (name, value) in configs)
        {
            records.Add(MetadataRecordAndVersion.Of(new ConfigRecord { ResourceType = (sbyte)ConfigResourceType.Topic, ResourceName = topic.Name, Name = name, Value = value }));
        }

        return ApiError.None;
    }

    private static ApiError CreateTopic(
        MetadataImage image,
        CreateTopicsRequest.CreatableTopic topic,
        ControllerOptions options,
        List<MetadataRecordAndVersion> records,
        out CreateTopicsResponse.CreatableTopicResult? result)
    {
        result = null;
        var partitions = new SortedDictionary<int, PartitionRegistration>();
        if (topic.Assignments.Count > 0)
        {
            if (topic.ReplicationFactor != -1)
            {
                return ApiError.Of(ErrorCode.InvalidRequest, "A manual partition assignment was specified, but replication factor was not set to -1.");
            }

            if (topic.NumPartitions != -1)
            {
                return ApiError.Of(ErrorCode.InvalidRequest, "A manual partition assignment was specified, but numPartitions was not set to -1.");
            }

            int? replicationFactor = null;
            foreach (var assignment in topic.Assignments)
            {
                if (partitions.ContainsKey(assignment.PartitionIndex))
                {
                    return ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"Found multiple manual partition assignments for partition {assignment.PartitionIndex}");
                }

                var error = ValidateManualAssignment(image.Cluster, assignment.BrokerIds, replicationFactor);
                if (error.IsFailure)
                {
                    return error;
                }

                replicationFactor = assignment.BrokerIds.Count;
                var isr = assignment.BrokerIds.Where(image.Cluster.IsActive).ToList();
                if (isr.Count == 0)
                {
                    return ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"All brokers specified in the manual partition assignment for partition {assignment.PartitionIndex} are fenced or in controlled shutdown.");
                }

                partitions[assignment.PartitionIndex] = NewPartition(assignment.BrokerIds, isr);
            }

            for (var i = 0; i < partitions.Count; i++)
            {
                if (!partitions.ContainsKey(i))
                {
                    return ApiError.Of(ErrorCode.InvalidReplicaAssignment, "partitions should be a consecutive 0-based integer sequence");
                }
            }
        }
        else if (topic.ReplicationFactor < -1 || topic.ReplicationFactor == 0)
        {
            return ApiError.Of(ErrorCode.InvalidReplicationFactor, "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        else if (topic.NumPartitions < -1 || topic.NumPartitions == 0)
        {
            return ApiError.Of(ErrorCode.InvalidPartitions, "Number of partitions was set to an invalid non-positive value.");
        }
        else
        {
            var count = topic.NumPartitions == -1 ? options.DefaultNumPartitions : topic.NumPartitions;
            var replicationFactor = topic.ReplicationFactor == -1 ? options.DefaultReplicationFactor : topic.ReplicationFactor;
            List<List<int>> placement;
            try
            {
                placement = ReplicaPlacer.Place(image.Cluster, count, replicationFactor);
            }
            catch (ReplicaPlacementException e)
            {
                return ApiError.Of(ErrorCode.InvalidReplicationFactor, $"Unable to replicate the partition {replicationFactor} time(s): {e.Message}");
            }

            for (var p = 0; p < placement.Count; p++)
            {
                var isr = placement[p].Where(image.Cluster.IsActive).ToList();
                if (isr.Count == 0)
                {
                    return ApiError.Of(ErrorCode.InvalidReplicationFactor, $"Unable to replicate the partition {replicationFactor} time(s): All brokers are currently fenced or in controlled shutdown.");
                }

                partitions[p] = NewPartition(placement[p], isr);
            }
        }

        var topicId = Uuid.Random();
        records.Add(MetadataRecordAndVersion.Of(new TopicRecord { Name = topic.Name, TopicId = topicId }));
        foreach (var (id, partition) in partitions)
        {
            records.Add(MetadataRecordAndVersion.Of(partition.ToRecord(topicId, id)));
        }

        result = new CreateTopicsResponse.CreatableTopicResult
        {
            Name = topic.Name,
            TopicId = topicId,
            ErrorMessage = null,
            NumPartitions = partitions.Count,
            ReplicationFactor = (short)partitions[0].Replicas.Length,
            Configs = [],
        };
        return ApiError.None;
    }

    private static ApiError AddPartitions(MetadataImage image, CreatePartitionsRequest.CreatePartitionsTopic request, List<MetadataRecordAndVersion> records)
    {
        var topic = image.Topics.Get(request.Name);
        if (topic is null)
        {
            return ApiError.Of(ErrorCode.UnknownTopicOrPartition);
        }

        var current = topic.PartitionCount;
        if (request.Count == current)
        {
            return ApiError.Of(ErrorCode.InvalidPartitions, $"Topic already has {current} partition(s).");
        }

        if (request.Count < current)
        {
            return ApiError.Of(ErrorCode.InvalidPartitions, $"The topic {request.Name} currently has {current} partition(s); {request.Count} would not be an increase.");
        }

        var additional = request.Count - current;
        if (request.Assignments is not null && request.Assignments.Count != additional)
        {
            return ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"Attempted to add {additional} additional partition(s), but only {request.Assignments.Count} assignment(s) were specified.");
        }

        var replicationFactor = (short)topic.Partitions.Values.First().Replicas.Length;
        var placement = new List<List<int>>(additional);
        if (request.Assignments is not null)
        {
            foreach (var assignment in request.Assignments)
            {
                var error = ValidateManualAssignment(image.Cluster, assignment.BrokerIds, replicationFactor);
                if (error.IsFailure)
                {
                    return error;
                }

                placement.Add(assignment.BrokerIds);
            }
        }
        else
        {
            try
            {
                placement = ReplicaPlacer.Place(image.Cluster, additional, replicationFactor);
            }
            catch (ReplicaPlacementException e)
            {
                return ApiError.Of(ErrorCode.InvalidReplicationFactor, $"Unable to replicate the partition {replicationFactor} time(s): {e.Message}");
            }
        }

        for (var i = 0; i < placement.Count; i++)
        {
            var isr = placement[i].Where(image.Cluster.IsActive).ToList();
            if (isr.Count == 0)
            {
                return request.Assignments is not null
                    ? ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"All brokers specified in the manual partition assignment for partition {current + i} are fenced or in controlled shutdown.")
                    : ApiError.Of(ErrorCode.InvalidReplicationFactor, $"Unable to replicate the partition {replicationFactor} time(s): All brokers are currently fenced or in controlled shutdown.");
            }

            records.Add(MetadataRecordAndVersion.Of(NewPartition(placement[i], isr).ToRecord(topic.Id, current + i)));
        }

        return ApiError.None;
    }

    private static ApiError ResolveForDeletion(MetadataImage image, DeleteTopicsRequest.DeleteTopicState state, ControllerOptions options, out TopicImage? topic)
    {
        topic = null;
        if (!options.DeleteTopicEnable)
        {
            return ApiError.Of(ErrorCode.TopicDeletionDisabled);
        }

        if (state.Name is not null && !state.TopicId.IsZero)
        {
            return ApiError.Of(ErrorCode.InvalidRequest, "You may not specify both topic name and topic id.");
        }

        if (state.Name is null)
        {
            if (state.TopicId.IsZero)
            {
                return ApiError.Of(ErrorCode.InvalidRequest, "Neither topic name nor id were specified.");
            }

            topic = image.Topics.Get(state.TopicId);
            return topic is null ? ApiError.Of(ErrorCode.UnknownTopicId) : ApiError.None;
        }

        topic = image.Topics.Get(state.Name);
        return topic is null ? ApiError.Of(ErrorCode.UnknownTopicOrPartition) : ApiError.None;
    }

    /// <summary>Kafka's checks of a manual assignment, brokers in id order so the message names the lowest offender.</summary>
    private static ApiError ValidateManualAssignment(ClusterImage cluster, List<int> brokerIds, int? replicationFactor)
    {
        if (brokerIds.Count == 0)
        {
            return ApiError.Of(ErrorCode.InvalidReplicaAssignment, "The manual partition assignment includes an empty replica list.");
        }

        var sorted = brokerIds.Order().ToList();
        int? previous = null;
        foreach (var id in sorted)
        {
            if (cluster.Broker(id) is null)
            {
                return ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"The manual partition assignment includes broker {id}, but no such broker is registered.");
            }

            if (id == previous)
            {
                return ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"The manual partition assignment includes the broker {id} more than once.");
            }

            previous = id;
        }

        if (replicationFactor is int expected && sorted.Count != expected)
        {
            return ApiError.Of(ErrorCode.InvalidReplicaAssignment, $"The manual partition assignment includes a partition with {sorted.Count} replica(s), but this is not consistent with previous partitions, which have {expected} replica(s).");
        }

        return ApiError.None;
    }

    private static PartitionRegistration NewPartition(List<int> replicas, List<int> isr) => new()
    {
        Replicas = [.. replicas],
        Isr = [.. isr],
        Leader = isr[0],
        LeaderEpoch = 0,
        PartitionEpoch = 0,
    };
}
