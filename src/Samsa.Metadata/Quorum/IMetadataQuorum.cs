using Samsa.Metadata.Records;

namespace Samsa.Metadata.Quorum;

/// <summary>Who leads the metadata quorum and in which epoch; leader -1 while there is none.</summary>
public readonly record struct LeaderAndEpoch(int LeaderId, int Epoch)
{
    public static readonly LeaderAndEpoch Unknown = new(-1, -1);

    public bool HasLeader => LeaderId >= 0;
}

/// <summary>A committed batch of the metadata log: the records of one atomic append, in order, with their offsets.</summary>
public sealed record MetadataBatch(long BaseOffset, long LastOffset, int Epoch, long AppendTimeMs, IReadOnlyList<MetadataRecordAndVersion> Records);

/// <summary>
/// Receives the committed metadata log in order, as Kafka's <c>RaftClient.Listener</c>. Calls for one listener never
/// overlap. The replay at start delivers every committed batch before the first leader change.
/// </summary>
public interface IMetadataLogListener
{
    /// <summary>A batch is committed (durable on a majority of voters: here, fsynced).</summary>
    void HandleCommit(MetadataBatch batch);

    /// <summary>The quorum has a new leader or epoch.</summary>
    void HandleLeaderChange(LeaderAndEpoch leader);

    // Snapshots: a HandleLoadSnapshot(reader) callback comes with them; a listener will then reset its state
    // to the snapshot before the batches after it are delivered.
}

/// <summary>Raised by an append to a quorum that this node does not lead in the given epoch.</summary>
public sealed class NotLeaderException : Exception
{
    public NotLeaderException()
    {
    }

    public NotLeaderException(string message)
        : base(message)
    {
    }

    public NotLeaderException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The replicated metadata log (<c>__cluster_metadata-0</c>), as Kafka's <c>RaftClient</c>: the active controller
/// appends record lists atomically, and every listener (the controller, the broker's metadata loader) receives the
/// committed batches in order. The single-voter implementation commits on fsync; a Raft implementation replaces it
/// behind this interface, and nothing that uses it changes.
/// </summary>
public interface IMetadataQuorum : IAsyncDisposable
{
    int NodeId { get; }

    LeaderAndEpoch Leader { get; }

    /// <summary>The offset after the last committed entry (Kafka's high watermark of the metadata log).</summary>
    long HighWatermark { get; }

    /// <summary>Adds a listener; only before <see cref="StartAsync"/>.</summary>
    void Register(IMetadataLogListener listener);

    /// <summary>Replays the whole committed log to the listeners, then joins the quorum (a single voter elects itself).</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Appends <paramref name="records"/> as one batch, all or nothing, if this node leads in <paramref name="epoch"/>.
    /// Completes with the offset of the last record once the batch is committed and delivered to the listeners.
    /// </summary>
    /// <exception cref="NotLeaderException">This node does not lead in that epoch.</exception>
    /// <exception cref="Samsa.Storage.KafkaStorageException">The log could not be written; the quorum is unusable.</exception>
    ValueTask<long> AppendAsync(int epoch, IReadOnlyList<MetadataRecordAndVersion> records, CancellationToken cancellationToken);
}
