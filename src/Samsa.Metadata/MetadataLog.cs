using Microsoft.Extensions.Logging;

namespace Samsa.Metadata;

/// <summary>The log lines of the metadata layer.</summary>
internal static partial class MetadataLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} leads the metadata quorum (single voter) in epoch {Epoch}; log end offset {End}")]
    public static partial void BecameLeader(ILogger logger, int nodeId, int epoch, long end);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replayed the metadata log: {Batches} batch(es) up to offset {End}")]
    public static partial void Replayed(ILogger logger, int batches, long end);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metadata listener {Listener} failed on a leader change")]
    public static partial void ListenerLeaderChangeFailed(ILogger logger, Exception exception, string listener);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metadata listener {Listener} failed on committed batch {Base}-{Last}")]
    public static partial void ListenerCommitFailed(ILogger logger, Exception exception, string listener, long @base, long last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Flushing the metadata log at shutdown failed")]
    public static partial void ShutdownFlushFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Metadata loaded: {Image}")]
    public static partial void Loaded(ILogger logger, Image.MetadataImage image);

    [LoggerMessage(Level = LogLevel.Error, Message = "Metadata publisher {Publisher} failed to apply the image at offset {Offset}")]
    public static partial void PublisherFailed(ILogger logger, Exception exception, string publisher, long offset);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} is the active controller in epoch {Epoch}")]
    public static partial void ActiveController(ILogger logger, int nodeId, int epoch);
}
