using Samsa.Protocol.Errors;

namespace Samsa.Broker.Fetch;

/// <summary>How a Fetch request relates to sessions, decided before any partition is read.</summary>
public sealed class FetchContext
{
    private FetchContext(ErrorCode error, FetchSession? session, bool isIncremental, bool mayCreateSession, List<FetchPartitionState> partitions)
    {
        Error = error;
        Session = session;
        IsIncremental = isIncremental;
        MayCreateSession = mayCreateSession;
        Partitions = partitions;
    }

    /// <summary>FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH or FETCH_SESSION_TOPIC_ID_ERROR; the response carries no partitions.</summary>
    public ErrorCode Error { get; }

    /// <summary>The session of an incremental fetch.</summary>
    public FetchSession? Session { get; }

    public bool IsIncremental { get; }

    /// <summary>A full fetch with epoch 0: the response opens a new session if the cache has room.</summary>
    public bool MayCreateSession { get; }

    /// <summary>What to read: the request's partitions (full fetch) or all of the session's (incremental).</summary>
    public List<FetchPartitionState> Partitions { get; }

    /// <summary>A fetch outside any session (Fetch v4-6, or epoch -1).</summary>
    public static FetchContext Sessionless(List<FetchPartitionState> partitions) => new(ErrorCode.None, null, false, false, partitions);

    internal static FetchContext Failed(ErrorCode error) => new(error, null, false, false, []);

    internal static FetchContext Full(List<FetchPartitionState> partitions, bool mayCreateSession) => new(ErrorCode.None, null, false, mayCreateSession, partitions);

    internal static FetchContext Incremental(FetchSession session) => new(ErrorCode.None, session, true, false, [.. session.Partitions]);
}

/// <summary>
/// The broker's fetch sessions (KIP-227), bounded by <c>max.incremental.fetch.session.cache.slots</c>. A full fetch
/// with session epoch 0 opens a session when there is room (evicting a session idle for longer than the eviction
/// time, or one with fewer partitions than the new one); epoch -1 closes the session and fetches without one.
/// </summary>
public sealed class FetchSessionCache
{
    /// <summary>Kafka's session id meaning "no session", and the epochs of a full fetch.</summary>
    public const int NoSession = 0;
    public const int InitialEpoch = 0;
    public const int FinalEpoch = -1;

    private readonly Dictionary<int, FetchSession> _sessions = [];
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;

    public FetchSessionCache(int maxSlots, TimeProvider? time = null, long evictionMs = 120_000)
    {
        MaxSlots = maxSlots;
        EvictionMs = evictionMs;
        _time = time ?? TimeProvider.System;
    }

    public int MaxSlots { get; }

    public long EvictionMs { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count;
            }
        }
    }

    /// <summary>
    /// Decides what a request is: a sessionless or session-opening full fetch, an incremental fetch of an existing
    /// session (updated with the request's partitions and forgotten ones, its epoch advanced), or a session error.
    /// </summary>
    public FetchContext NewContext(int sessionId, int epoch, bool usesTopicIds, List<FetchPartitionState> requested, IReadOnlyList<FetchPartitionKey> forgotten)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (epoch is InitialEpoch or FinalEpoch)
        {
            if (sessionId != NoSession)
            {
                lock (_lock)
                {
                    _sessions.Remove(sessionId);
                }
            }

            return FetchContext.Full(requested, mayCreateSession: epoch == InitialEpoch && MaxSlots > 0);
        }

        FetchSession? session;
        lock (_lock)
        {
            _sessions.TryGetValue(sessionId, out session);
        }

        if (session is null)
        {
            return FetchContext.Failed(ErrorCode.FetchSessionIdNotFound);
        }

        lock (session.Gate)
        {
            if (session.Epoch != epoch)
            {
                return FetchContext.Failed(ErrorCode.InvalidFetchSessionEpoch);
            }

            if (session.UsesTopicIds != usesTopicIds)
            {
                return FetchContext.Failed(ErrorCode.FetchSessionTopicIdError);
            }

            foreach (var key in forgotten)
            {
                session.Remove(key);
            }

            foreach (var partition in requested)
            {
                session.AddOrUpdate(partition);
            }

            session.AdvanceEpoch();
            session.LastUsedMs = now;
            return FetchContext.Incremental(session);
        }
    }

    /// <summary>Opens a session holding <paramref name="partitions"/> (as just answered); null when the cache has no room.</summary>
    public FetchSession? TryCreate(bool usesTopicIds, IReadOnlyList<FetchPartitionState> partitions)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (_sessions.Count >= MaxSlots && !EvictOne(now, partitions.Count))
            {
                return null;
            }

            int id;
            do
            {
                id = Random.Shared.Next(1, int.MaxValue);
            }
            while (_sessions.ContainsKey(id));

            var session = new FetchSession(id, usesTopicIds, now);
            foreach (var partition in partitions)
            {
                session.AddOrUpdate(partition);
            }

            _sessions[id] = session;
            return session;
        }
    }

    public FetchSession? Get(int sessionId)
    {
        lock (_lock)
        {
            return _sessions.GetValueOrDefault(sessionId);
        }
    }

    private bool EvictOne(long now, int newPartitionCount)
    {
        FetchSession? oldest = null;
        foreach (var session in _sessions.Values)
        {
            if (oldest is null || session.LastUsedMs < oldest.LastUsedMs)
            {
                oldest = session;
            }
        }

        if (oldest is null || (now - oldest.LastUsedMs < EvictionMs && oldest.PartitionCount >= newPartitionCount))
        {
            return false;
        }

        _sessions.Remove(oldest.Id);
        return true;
    }
}
