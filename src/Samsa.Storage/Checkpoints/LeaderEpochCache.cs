using System.Globalization;

namespace Samsa.Storage.Checkpoints;

/// <summary>One leader epoch and the first offset written in it.</summary>
public readonly record struct EpochEntry(int Epoch, long StartOffset);

/// <summary>
/// Leader epoch → start offset, as Kafka's leader epoch file cache: assigned when a leader (or a
/// follower copying its batches) appends the first batch of a new epoch, truncated with the log,
/// and persisted to <c>leader-epoch-checkpoint</c> (<c>epoch startOffset</c> lines) on every change.
/// Thread-safe: OffsetForLeaderEpoch reads race with appends.
/// </summary>
public sealed class LeaderEpochCache
{
    public const string FileName = "leader-epoch-checkpoint";
    public const int UndefinedEpoch = -1;
    public const long UndefinedEpochOffset = -1;

    private readonly Lock _lock = new();
    private readonly List<EpochEntry> _entries;
    private readonly string? _path;

    private LeaderEpochCache(string? path, List<EpochEntry> entries)
    {
        _path = path;
        _entries = entries;
    }

    /// <summary>Loads the checkpoint in <paramref name="directory"/>; a missing file is an empty cache.</summary>
    public static LeaderEpochCache Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        var entries = new List<EpochEntry>();
        var lines = CheckpointFile.Read(path, 2);
        if (lines is not null)
        {
            foreach (var fields in lines)
            {
                var epoch = checked((int)CheckpointFile.ParseLong(path, fields[0]));
                entries.Add(new EpochEntry(epoch, CheckpointFile.ParseLong(path, fields[1])));
            }
        }

        return new LeaderEpochCache(path, entries);
    }

    /// <summary>A cache with no file behind it (tests, tools).</summary>
    public static LeaderEpochCache InMemory() => new(null, []);

    public IReadOnlyList<EpochEntry> Entries
    {
        get
        {
            lock (_lock)
            {
                return _entries.ToArray();
            }
        }
    }

    public int LatestEpoch
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count == 0 ? UndefinedEpoch : _entries[^1].Epoch;
            }
        }
    }

    /// <summary>
    /// Records that <paramref name="epoch"/> starts at <paramref name="startOffset"/>. Entries that
    /// conflict (an epoch as high, or a start offset as late) are removed first, as Kafka does.
    /// Called per batch; does nothing unless the epoch is new.
    /// </summary>
    public void Assign(int epoch, long startOffset)
    {
        if (epoch < 0)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.Count > 0 && _entries[^1].Epoch == epoch && _entries[^1].StartOffset <= startOffset)
            {
                return;
            }

            while (_entries.Count > 0 && (_entries[^1].Epoch >= epoch || _entries[^1].StartOffset >= startOffset))
            {
                _entries.RemoveAt(_entries.Count - 1);
            }

            _entries.Add(new EpochEntry(epoch, startOffset));
            Persist();
        }
    }

    /// <summary>
    /// OffsetForLeaderEpoch: the largest epoch ≤ <paramref name="requestedEpoch"/> and the offset
    /// where the next epoch starts (the log end offset for the latest epoch); (-1, -1) when the
    /// requested epoch is newer than any known or the cache is empty.
    /// </summary>
    public (int Epoch, long EndOffset) EndOffsetFor(int requestedEpoch, long logEndOffset)
    {
        lock (_lock)
        {
            if (requestedEpoch == UndefinedEpoch || _entries.Count == 0)
            {
                return (UndefinedEpoch, UndefinedEpochOffset);
            }

            if (requestedEpoch == _entries[^1].Epoch)
            {
                return (requestedEpoch, logEndOffset);
            }

            var higher = _entries.FindIndex(e => e.Epoch > requestedEpoch);
            if (higher < 0)
            {
                return (UndefinedEpoch, UndefinedEpochOffset);
            }

            return higher == 0
                ? (requestedEpoch, _entries[0].StartOffset)
                : (_entries[higher - 1].Epoch, _entries[higher].StartOffset);
        }
    }

    /// <summary>The epoch that wrote <paramref name="offset"/> (the latest entry starting at or before it), or -1.</summary>
    public int EpochForOffset(long offset)
    {
        lock (_lock)
        {
            for (var i = _entries.Count - 1; i >= 0; i--)
            {
                if (_entries[i].StartOffset <= offset)
                {
                    return _entries[i].Epoch;
                }
            }

            return UndefinedEpoch;
        }
    }

    /// <summary>Drops epochs that start at or after <paramref name="endOffset"/> (log truncated to it).</summary>
    public void TruncateFromEnd(long endOffset)
    {
        lock (_lock)
        {
            var removed = _entries.RemoveAll(e => e.StartOffset >= endOffset);
            if (removed > 0)
            {
                Persist();
            }
        }
    }

    /// <summary>
    /// The log start moved to <paramref name="startOffset"/>: epochs that started before it go,
    /// except the latest of them, which now starts there.
    /// </summary>
    public void TruncateFromStart(long startOffset)
    {
        lock (_lock)
        {
            var last = _entries.FindLastIndex(e => e.StartOffset <= startOffset);
            if (last < 0 || (last == 0 && _entries[0].StartOffset == startOffset))
            {
                return;
            }

            var epoch = _entries[last].Epoch;
            _entries.RemoveRange(0, last + 1);
            _entries.Insert(0, new EpochEntry(epoch, startOffset));
            Persist();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
            Persist();
        }
    }

    private void Persist()
    {
        if (_path is null)
        {
            return;
        }

        var lines = new List<string>(_entries.Count);
        foreach (var e in _entries)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{e.Epoch} {e.StartOffset}"));
        }

        CheckpointFile.Write(_path, lines);
    }
}
