using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Configuration;
using Samsa.Broker.Fetch;
using Samsa.Broker.Groups;
using Samsa.Broker.Metadata;
using Samsa.Broker.Partitions;
using Samsa.Broker.Requests;
using Samsa.Metadata.Controller;
using Samsa.Metadata.Identity;
using Samsa.Metadata.Image;
using Samsa.Metadata.Loader;
using Samsa.Metadata.Quorum;
using Samsa.Metadata.Records;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Storage;

namespace Samsa.Broker;

/// <summary>The broker could not start; the message says why and what to do.</summary>
public sealed class BrokerStartupException : Exception
{
    public BrokerStartupException()
    {
    }

    public BrokerStartupException(string message)
        : base(message)
    {
    }

    public BrokerStartupException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The composition root of a node that is broker and controller at once (the single-node cluster): configuration
/// → cluster identity (meta.properties) → metadata quorum, controller and metadata loader (the log replayed) →
/// log manager (topic defaults from the broker's log.* keys) → replica manager following the image → listeners
/// bound → broker registered and unfenced with its real ports → requests served. Stops gracefully: no new
/// connections, requests in flight finished, metadata log flushed, partition logs flushed and checkpointed, and the
/// clean-shutdown marker written.
/// </summary>
public sealed class BrokerServer : IAsyncDisposable
{
    private readonly SingleVoterQuorum _quorum;
    private readonly QuorumController _controller;
    private readonly LogManager _logs;
    private readonly ILogger _logger;
    private readonly CoordinatorLeadership _groupLeadership;

    private BrokerServer(BrokerHost host, BrokerServices services, SingleVoterQuorum quorum, QuorumController controller, LogManager logs, ClusterIdentity identity, CoordinatorLeadership groupLeadership)
    {
        _groupLeadership = groupLeadership;
        _logger = services.LoggerFactory.CreateLogger<BrokerServer>();
        Host = host;
        Services = services;
        _quorum = quorum;
        _controller = controller;
        _logs = logs;
        Identity = identity;
    }

    public BrokerHost Host { get; }

    public BrokerServices Services { get; }

    public ClusterIdentity Identity { get; }

    private ILogger Logger => _logger;

    /// <summary>Completes when the broker has stopped and everything is flushed.</summary>
    public Task Stopped => Host.Stopped;

    /// <summary>Starts a broker; returns once it serves requests.</summary>
    /// <exception cref="BrokerStartupException">The data directories, metadata log or listeners cannot be used.</exception>
    public static async Task<BrokerServer> StartAsync(BrokerConfig config, ILoggerFactory? loggerFactory = null, bool handleSignals = true, CancellationToken cancellationToken = default)
    {
        loggerFactory ??= NullLoggerFactory.Instance;
        var phases = new StartupPhases();
        var metadataDir = config.Get(BrokerConfigs.MetadataLogDir) ?? config.LogDirs[0];
        ClusterIdentity identity;
        try
        {
            identity = ClusterIdentity.Load([.. config.LogDirs, metadataDir], config.NodeId);
        }
        catch (Exception e) when (e is MetaPropertiesException or IOException or UnauthorizedAccessException)
        {
            throw new BrokerStartupException(e.Message, e);
        }

        phases.Mark("identity");
        var quorum = new SingleVoterQuorum(metadataDir, config.NodeId, loggerFactory);
        var controller = new QuorumController(quorum, identity.ClusterId, new ControllerOptions
        {
            NodeId = config.NodeId,
            DefaultNumPartitions = config.Get(BrokerConfigs.NumPartitions),
            DefaultReplicationFactor = (short)config.Get(BrokerConfigs.DefaultReplicationFactor),
            DeleteTopicEnable = config.Get(BrokerConfigs.DeleteTopicEnable),
            ConfigSchema = BrokerConfigSchema.Instance,
        }, loggerFactory);
        var loader = new MetadataLoader(identity.ClusterId, loggerFactory);
        quorum.Register(loader);
        LogManager? logs = null;
        BrokerHost? host = null;
        CoordinatorLeadership? groupLeadership = null;
        try
        {
            try
            {
                await quorum.StartAsync(cancellationToken).ConfigureAwait(false);
                await controller.BootstrapAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or StorageException or MetadataParseException or MetadataReplayException or InvalidDataException)
            {
                throw new BrokerStartupException($"the metadata log in {metadataDir} cannot be used: {e.Message}", e);
            }

            phases.Mark("metadata");
            var resolver = new TopicConfigResolver(config);
            logs = LogManager.Open(new LogManagerOptions
            {
                LogDirs = config.LogDirs,
                DefaultConfig = resolver.DefaultLogConfig(),
                TopicConfig = topic => resolver.LogConfigFor(loader.Image, topic),
                RecoveryThreadsPerDataDir = config.Get(BrokerConfigs.NumRecoveryThreadsPerDataDir),
                RetentionCheckIntervalMs = config.Get(BrokerConfigs.LogRetentionCheckIntervalMs),
                FlushSchedulerIntervalMs = config.Get(BrokerConfigs.LogFlushSchedulerIntervalMs),
                FlushOffsetCheckpointIntervalMs = config.Get(BrokerConfigs.LogFlushOffsetCheckpointIntervalMs),
                FlushStartOffsetCheckpointIntervalMs = config.Get(BrokerConfigs.LogFlushStartOffsetCheckpointIntervalMs),
                Cleaner = LogCleanerSettings.From(config),
                LoggerFactory = loggerFactory,
            });
            LogCleanerSettings.Follow(config, logs.Cleaner);
            var replicas = new ReplicaManager(config.NodeId, logs, resolver, loggerFactory);
            loader.AddPublisher(replicas);
            loader.AddPublisher(new DynamicConfigPublisher(config, replicas, loggerFactory));
            replicas.DeleteStrayLogs(loader.Image);
            logs.Start();
            phases.Mark("logs");
            var (groupCoordinator, leadership) = StartGroupCoordinator(config, loader, replicas, loggerFactory);
            groupLeadership = leadership;

            var services = new BrokerServices
            {
                Config = config,
                Metadata = loader,
                Replicas = replicas,
                Controller = controller,
                Logs = logs,
                FetchSessions = new FetchSessionCache(config.Get(BrokerConfigs.MaxIncrementalFetchSessionCacheSlots)),
                TopicConfigs = resolver,
                AutoTopics = new AutoTopicCreator(controller, loggerFactory),
                Groups = groupCoordinator,
                OffsetsTopic = new OffsetsTopicCreator(controller, config, () => loader.Image, loggerFactory),
                LoggerFactory = loggerFactory,
            };
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var router = new RequestRouter(ApiHandlerTable.Create(services), loggerFactory, ready.Task);
            host = new BrokerHost(config, router, loggerFactory);
            var server = new BrokerServer(host, services, quorum, controller, logs, identity, leadership);
            host.AddShutdownHook("group coordinator", _ => leadership.DisposeAsync().AsTask());
            host.AddShutdownHook("metadata log", _ => server.CloseMetadataAsync());
            host.AddShutdownHook("partition logs", _ => Task.Run(logs.Shutdown, CancellationToken.None));
            try
            {
                host.Start(handleSignals);
            }
            catch (IOException e)
            {
                throw new BrokerStartupException(e.Message, e);
            }

            phases.Mark("listeners");
            await server.RegisterAsync(cancellationToken).ConfigureAwait(false);
            phases.Mark("registration");
            ready.TrySetResult();
            BrokerLog.Started(server.Logger, identity.ClusterId, phases);
            return server;
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            if (groupLeadership is not null)
            {
                await groupLeadership.DisposeAsync().ConfigureAwait(false);
            }

            logs?.Shutdown();
            await quorum.DisposeAsync().ConfigureAwait(false);
            controller.Dispose();
            throw;
        }
    }

    /// <summary>Completes when every <c>__consumer_offsets</c> partition this broker leads so far has been loaded.</summary>
    public Task GroupsLoaded => _groupLeadership.Loaded;

    /// <summary>Graceful stop (what SIGTERM and Ctrl-C do).</summary>
    public Task StopAsync() => Host.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The group coordinator over the replica manager and the image; its leadership publisher runs after the replica
    /// manager's, so the partitions it loads are hosted.
    /// </summary>
    private static (GroupCoordinator.GroupCoordinator, CoordinatorLeadership) StartGroupCoordinator(BrokerConfig config, MetadataLoader loader, ReplicaManager replicas, ILoggerFactory loggerFactory)
    {
        var topics = new MetadataTopicView(loader);
        var coordinator = new GroupCoordinator.GroupCoordinator(
            GroupCoordinatorSettings.From(config),
            new ReplicaCoordinatorLog(replicas, config),
            topics,
            TimeProvider.System,
            loggerFactory.CreateLogger<GroupCoordinator.GroupCoordinator>());
        var leadership = new CoordinatorLeadership(coordinator, replicas, config.NodeId, config.Get(BrokerConfigs.OffsetsLoadBufferSize), loggerFactory.CreateLogger<CoordinatorLeadership>());
        loader.AddPublisher(topics);
        loader.AddPublisher(leadership);
        return (coordinator, leadership);
    }

    private async Task CloseMetadataAsync()
    {
        await _quorum.DisposeAsync().ConfigureAwait(false);
        _controller.Dispose();
    }

    /// <summary>
    /// Registers this broker with the controller at its bound ports (a listener configured with port 0 advertises
    /// the port it got), then heartbeats until unfenced, which makes it leader of its partitions.
    /// </summary>
    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var config = Services.Config;
        var listeners = new List<BrokerRegistrationRequest.Listener>();
        foreach (var advertised in config.AdvertisedListeners)
        {
            var port = advertised.Port;
            for (var i = 0; i < config.Listeners.Count; i++)
            {
                if (config.Listeners[i].Name == advertised.Name && port == 0)
                {
                    port = Host.Network.BoundEndpoints[i].Port;
                }
            }

            listeners.Add(new BrokerRegistrationRequest.Listener { Name = advertised.Name, Host = advertised.Host, Port = (ushort)port, SecurityProtocol = 0 });
        }

        var registration = await _controller.RegisterBrokerAsync(new BrokerRegistrationRequest
        {
            BrokerId = config.NodeId,
            ClusterId = Identity.ClusterId,
            IncarnationId = Uuid.Random(),
            Listeners = listeners,
            Features = [new BrokerRegistrationRequest.Feature { Name = MetadataVersion.FeatureName, MinSupportedVersion = MetadataVersion.MinimumLevel, MaxSupportedVersion = MetadataVersion.LatestLevel }],
            Rack = config.Get(BrokerConfigs.BrokerRack),
            LogDirs = [.. config.LogDirs.Select(d => Identity.DirectoryIds[Path.GetFullPath(d)])],
        }, cancellationToken).ConfigureAwait(false);
        if (registration.ErrorCode != 0)
        {
            throw new BrokerStartupException($"broker registration failed: {((ErrorCode)registration.ErrorCode).KafkaName()}");
        }

        await Services.Metadata.WaitForOffsetAsync(registration.BrokerEpoch, cancellationToken).ConfigureAwait(false);
        var heartbeat = await _controller.BrokerHeartbeatAsync(new BrokerHeartbeatRequest
        {
            BrokerId = config.NodeId,
            BrokerEpoch = registration.BrokerEpoch,
            CurrentMetadataOffset = Services.Metadata.Image.Offset,
        }, cancellationToken).ConfigureAwait(false);
        if (heartbeat.ErrorCode != 0 || heartbeat.IsFenced)
        {
            throw new BrokerStartupException($"the broker was not unfenced: {((ErrorCode)heartbeat.ErrorCode).KafkaName()}");
        }

        await Services.Metadata.WaitForOffsetAsync(_controller.Image.Offset, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>How long each start-up phase took, for the "started" log line.</summary>
internal sealed class StartupPhases
{
    private readonly System.Diagnostics.Stopwatch _watch = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<(string Name, long Ms)> _phases = [];
    private long _last;

    public void Mark(string name)
    {
        var now = _watch.ElapsedMilliseconds;
        _phases.Add((name, now - _last));
        _last = now;
    }

    public override string ToString() =>
        $"{_watch.ElapsedMilliseconds} ms ({string.Join(", ", _phases.Select(p => $"{p.Name} {p.Ms} ms"))})";
}
