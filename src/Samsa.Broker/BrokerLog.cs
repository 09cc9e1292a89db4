using Microsoft.Extensions.Logging;

namespace Samsa.Broker;

/// <summary>The broker's log lines outside the network layer.</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Broker of cluster {ClusterId} serving after {Phases}")]
    public static partial void Started(ILogger logger, string clusterId, StartupPhases phases);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the stray log {TopicPartition}: the metadata does not assign it to this broker")]
    public static partial void StrayLogDeleted(ILogger logger, Samsa.Storage.TopicPartition topicPartition);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cannot host {TopicPartition}")]
    public static partial void HostFailed(ILogger logger, Exception exception, Samsa.Storage.TopicPartition topicPartition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing connection {ConnectionId} from {Client}: {Reason}")]
    public static partial void ClosingConnection(ILogger logger, long connectionId, System.Net.IPEndPoint client, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Api} v{Version} from {Client} failed; answering UNKNOWN_SERVER_ERROR")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string api, short version, System.Net.IPEndPoint client);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auto-creating topic {Topic} failed: {Error} {Message}")]
    public static partial void AutoCreateFailed(ILogger logger, string topic, string error, string? message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Auto-created topic {Topic}")]
    public static partial void AutoCreated(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Error, Message = "Applying dynamic broker configs from the metadata log failed")]
    public static partial void DynamicConfigFailed(ILogger logger, Exception exception);
}
