using Samsa.Broker.Handlers;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Requests;

/// <summary>
/// The one table of the APIs this broker serves. ApiVersions answers from it, so a client sees exactly the
/// registered APIs and the versions each handler serves. Adding an API is a handler file and one line here.
/// </summary>
public sealed class ApiHandlerTable
{
    private readonly IApiHandler?[] _byKey = new IApiHandler?[ApiTable.All.Max(a => (int)a.Key) + 1];

    private ApiHandlerTable()
    {
    }

    /// <summary>The registered handlers in API key order.</summary>
    public IReadOnlyList<IApiHandler> Handlers => [.. _byKey.OfType<IApiHandler>()];

    public static ApiHandlerTable Create(BrokerServices services)
    {
        var table = new ApiHandlerTable();
        table.Register(new ProduceHandler(services));
        table.Register(new FetchHandler(services));
        table.Register(new ListOffsetsHandler(services));
        table.Register(new MetadataHandler(services));
        table.Register(new OffsetCommitHandler(services));
        table.Register(new OffsetFetchHandler(services));
        table.Register(new FindCoordinatorHandler(services));
        table.Register(new JoinGroupHandler(services));
        table.Register(new HeartbeatHandler(services));
        table.Register(new LeaveGroupHandler(services));
        table.Register(new SyncGroupHandler(services));
        table.Register(new DescribeGroupsHandler(services));
        table.Register(new ListGroupsHandler(services));
        table.Register(new ApiVersionsHandler(table, services));
        table.Register(new CreateTopicsHandler(services));
        table.Register(new DeleteTopicsHandler(services));
        table.Register(new CreatePartitionsHandler(services));
        table.Register(new DeleteRecordsHandler(services));
        table.Register(new OffsetForLeaderEpochHandler(services));
        table.Register(new DescribeConfigsHandler(services));
        table.Register(new AlterConfigsHandler(services));
        table.Register(new DescribeLogDirsHandler(services));
        table.Register(new DeleteGroupsHandler(services));
        table.Register(new IncrementalAlterConfigsHandler(services));
        table.Register(new OffsetDeleteHandler(services));
        table.Register(new DescribeClusterHandler(services));
        table.Register(new ConsumerGroupHeartbeatHandler(services));
        table.Register(new ConsumerGroupDescribeHandler(services));
        table.Register(new DescribeTopicPartitionsHandler(services));
        return table;
    }

    public IApiHandler? Get(short apiKey) => apiKey >= 0 && apiKey < _byKey.Length ? _byKey[apiKey] : null;

    /// <summary>Adds a handler; its versions must lie within the schemas' range.</summary>
    public void Register(IApiHandler handler)
    {
        var api = ApiTable.Get(handler.ApiKey);
        if (handler.MinVersion < api.LowestVersion || handler.MaxVersion > api.HighestVersion || handler.MinVersion > handler.MaxVersion)
        {
            throw new ArgumentException($"{api.Name} handler serves versions {handler.MinVersion}-{handler.MaxVersion}, outside the schemas' {api.LowestVersion}-{api.HighestVersion}", nameof(handler));
        }

        if (_byKey[(short)handler.ApiKey] is not null)
        {
            throw new ArgumentException($"{api.Name} already has a handler", nameof(handler));
        }

        _byKey[(short)handler.ApiKey] = handler;
    }

    /// <summary>The ApiVersions list: one entry per registered API with the versions it serves.</summary>
    public List<ApiVersionsResponse.ApiVersion> ApiVersions()
    {
        var list = new List<ApiVersionsResponse.ApiVersion>();
        foreach (var handler in _byKey)
        {
            if (handler is not null)
            {
                list.Add(new ApiVersionsResponse.ApiVersion
                {
                    ApiKey = (short)handler.ApiKey,
                    MinVersion = handler is IAdvertisedVersions advertised ? advertised.AdvertisedMinVersion : handler.MinVersion,
                    MaxVersion = handler.MaxVersion,
                });
            }
        }

        return list;
    }
}

/// <summary>
/// A handler that advertises a lower minimum than it serves. Only Produce: Kafka 4 lists it from version 0 because
/// of a librdkafka bug (KAFKA-18659) while refusing versions 0-2.
/// </summary>
public interface IAdvertisedVersions
{
    short AdvertisedMinVersion { get; }
}
