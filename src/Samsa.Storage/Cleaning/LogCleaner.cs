using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Storage.Checkpoints;

namespace Samsa.Storage.Cleaning;

/// <summary>
/// The log cleaner of a <see cref="LogManager"/>: <c>log.cleaner.threads</c> background threads that each pick
/// the dirtiest compacted log (<c>cleanup.policy</c> containing <c>compact</c>) and clean it, as Kafka's cleaner
/// does. A log is picked when its dirty ratio exceeds <c>min.cleanable.dirty.ratio</c>, when a dirty record is
/// older than <c>max.compaction.lag.ms</c>, or, if no log qualifies so, when the delete horizon written by its last
/// cleaning has passed (KIP-534). The first dirty offset of each log is kept per log dir in
/// <c>cleaner-offset-checkpoint</c> (Kafka's format).
/// <para>
/// Appends and reads never wait for a cleaning: the cleaner reads segments through their own handle
/// references and takes the log's writer lock only to swap cleaned segments in. Retention, truncation and
/// deletion win over a cleaning in progress: it notices and gives up (its output is deleted), and the next
/// cleaning starts again.
/// </para>
/// </summary>
public sealed class LogCleaner : IDisposable
{
    /// <summary>The checkpoint file in each log dir.</summary>
    public const string CheckpointFileName = "cleaner-offset-checkpoint";

    private readonly Func<IEnumerable<PartitionLog>> _logs;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, CleanerStats> _lastStats = new();
    private readonly Lock _checkpointLock = new();
    private readonly Lock _totalsLock = new();
    private readonly List<Thread> _threads = [];
    private readonly Lock _onDemandLock = new();
    private readonly Lock _lifecycleLock = new();
    private CancellationTokenSource? _stop;
    private Cleaner? _onDemand;
    private CleanerTotals _totals = new(0, 0, 0, 0, TimeSpan.Zero);

    internal LogCleaner(LogCleanerOptions options, Func<IEnumerable<PartitionLog>> logs, ILoggerFactory? loggerFactory)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Threads);
        Options = options;
        _logs = logs;
        _logger = loggerFactory?.CreateLogger<LogCleaner>() ?? NullLogger<LogCleaner>.Instance;
    }

    /// <summary>Raised after every successful cleaning (on the cleaning thread).</summary>
    public event Action<CleanerStats>? LogCleaned;

    public LogCleanerOptions Options { get; private set; }

    /// <summary>Whether the background threads run.</summary>
    public bool IsRunning => _threads.Count > 0;

    /// <summary>Totals since start, across all logs.</summary>
    public CleanerTotals Totals
    {
        get
        {
            lock (_totalsLock)
            {
                return _totals;
            }
        }
    }

    /// <summary>Starts the background threads (a no-op when <c>log.cleaner.enable</c> is false or they run).</summary>
    public void Start()
    {
        lock (_lifecycleLock)
        {
            if (!Options.Enable || _threads.Count > 0)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            for (var i = 0; i < Options.Threads; i++)
            {
                var thread = new Thread(RunThread) { IsBackground = true, Name = $"samsa-log-cleaner-{i}" };
                _threads.Add(thread);
                thread.Start(_stop.Token);
            }
        }
    }

    /// <summary>
    /// Applies new settings (a dynamic change of <c>log.cleaner.*</c>), as Kafka reconfigures its cleaner: running
    /// threads stop (a cleaning in progress is abandoned and redone later), and threads with the new settings start
    /// if the cleaner was running. The enable flag stays as it was.
    /// </summary>
    public void Reconfigure(LogCleanerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Threads);
        lock (_lifecycleLock)
        {
            var wasRunning = IsRunning;
            Stop();
            Options = options with { Enable = Options.Enable };
            lock (_onDemandLock)
            {
                _onDemand?.Dispose();
                _onDemand = null;
            }

            if (wasRunning)
            {
                Start();
            }
        }
    }

    /// <summary>Stops the threads; a cleaning in progress is abandoned (its output deleted) and waited for.</summary>
    public void Stop()
    {
        lock (_lifecycleLock)
        {
            if (_stop is null)
            {
                return;
            }

            _stop.Cancel();
            foreach (var thread in _threads)
            {
                thread.Join();
            }

            _threads.Clear();
            _stop.Dispose();
            _stop = null;
        }
    }

    public void Dispose()
    {
        Stop();
        lock (_onDemandLock)
        {
            _onDemand?.Dispose();
            _onDemand = null;
        }
    }

    /// <summary>
    /// Cleans <paramref name="log"/> now, whatever its dirty ratio (the bounds still hold: never the active
    /// segment, the high watermark, open transactions or <c>min.compaction.lag.ms</c>), waiting for a cleaning
    /// of it in progress. Null when there was nothing to clean or the log changed meanwhile.
    /// </summary>
    /// <exception cref="InvalidOperationException">The log is not compacted.</exception>
    /// <exception cref="KafkaStorageException">The cleaning failed (the log is marked uncleanable until a later success).</exception>
    public CleanerStats? CleanNow(PartitionLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (!log.Config.IsCompactEnabled)
        {
            throw new InvalidOperationException($"{log.TopicPartition} has cleanup.policy without compact");
        }

        lock (_onDemandLock)
        {
            var cleaner = _onDemand ??= new Cleaner(Options);
            lock (log.Cleaning.Gate)
            {
                var range = log.GetCleanableRange(log.NowMilliseconds, Options.AbortedTransactions.FirstUnstableOffset(log));
                return CleanLocked(cleaner, log, range, rethrow: true, CancellationToken.None);
            }
        }
    }

    /// <summary>One round of a cleaner thread, on the caller's thread: picks the dirtiest log and cleans it. Null when no log qualified.</summary>
    public CleanerStats? CleanFilthiestLog()
    {
        lock (_onDemandLock)
        {
            return CleanFilthiestLog(_onDemand ??= new Cleaner(Options), CancellationToken.None);
        }
    }

    /// <summary>The last cleaning of a log, if any since start.</summary>
    public CleanerStats? LastStats(TopicPartition topicPartition) => _lastStats.GetValueOrDefault(topicPartition);

    /// <summary>Why a log's last cleaning failed, or null.</summary>
    public static string? UncleanableReason(PartitionLog log) => log?.Cleaning.UncleanableReason;

    /// <summary>The log's cleaner checkpoint (its first dirty offset), -1 when it was never cleaned.</summary>
    public static long CheckpointOf(PartitionLog log) => log?.Cleaning.CheckpointOffset ?? -1;

    /// <summary>Stops a cleaning of <paramref name="log"/> in progress and waits for it (before the log is closed or deleted).</summary>
    public static void AbortCleaning(PartitionLog log)
    {
        ArgumentNullException.ThrowIfNull(log);
        log.Cleaning.AbortRequested = true;
        lock (log.Cleaning.Gate)
        {
            log.Cleaning.AbortRequested = false;
        }
    }

    /// <summary>Reads each log dir's checkpoint into its logs (at start).</summary>
    internal void LoadCheckpoints(string logDir, IEnumerable<PartitionLog> logs)
    {
        Dictionary<TopicPartition, long> offsets;
        try
        {
            offsets = OffsetCheckpointFile.Read(Path.Combine(logDir, CheckpointFileName));
        }
        catch (InvalidDataException e)
        {
            // Without it every compacted log is cleaned from its start once: slower, never wrong.
            _logger.LogWarning(e, "ignoring the malformed cleaner checkpoint in {LogDir}", logDir);
            return;
        }

        foreach (var log in logs)
        {
            if (offsets.TryGetValue(log.TopicPartition, out var offset))
            {
                log.Cleaning.CheckpointOffset = offset;
            }
        }
    }

    /// <summary>Writes <c>cleaner-offset-checkpoint</c> of one log dir from its logs' current checkpoints.</summary>
    internal void WriteCheckpoint(string logDir)
    {
        lock (_checkpointLock)
        {
            var entries = new List<KeyValuePair<TopicPartition, long>>();
            foreach (var log in _logs())
            {
                var offset = log.Cleaning.CheckpointOffset;
                if (offset >= 0 && log.LogDirectory == logDir && !log.IsClosed)
                {
                    entries.Add(new(log.TopicPartition, offset));
                }
            }

            OffsetCheckpointFile.Write(Path.Combine(logDir, CheckpointFileName), entries);
        }
    }

    private void RunThread(object? state)
    {
        var stop = (CancellationToken)state!;
        using var cleaner = new Cleaner(Options);
        while (!stop.IsCancellationRequested)
        {
            CleanerStats? stats = null;
            try
            {
                stats = CleanFilthiestLog(cleaner, stop);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A cleaner thread never takes the broker down; the failing log is already marked uncleanable.
                _logger.LogError(e, "the log cleaner failed");
            }

            if (stats is null)
            {
                stop.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Clamp(Options.BackoffMs, 1, int.MaxValue)));
            }
        }
    }

    private CleanerStats? CleanFilthiestLog(Cleaner cleaner, CancellationToken cancel)
    {
        var candidates = new List<(PartitionLog Log, CleanableRange Range, bool ByHorizon)>();
        foreach (var log in _logs())
        {
            if (!log.Config.IsCompactEnabled || log.IsClosed || log.IsOffline || log.Cleaning.UncleanableReason is not null)
            {
                continue;
            }

            var now = log.NowMilliseconds;
            var range = log.GetCleanableRange(now, Options.AbortedTransactions.FirstUnstableOffset(log));
            var horizon = log.Cleaning.LatestDeleteHorizon;
            if ((range.NeedsCompactionNow && range.CleanableBytes > 0) || range.Ratio > log.Config.MinCleanableDirtyRatio)
            {
                candidates.Add((log, range, false));
            }
            else if (horizon >= 0 && horizon <= now)
            {
                candidates.Add((log, range, true));
            }
        }

        // The dirtiest first; logs only due for their delete horizon after every log that is dirty enough.
        candidates.Sort((a, b) => a.ByHorizon != b.ByHorizon ? a.ByHorizon.CompareTo(b.ByHorizon) : b.Range.Ratio.CompareTo(a.Range.Ratio));
        foreach (var (log, range, _) in candidates)
        {
            if (!log.Cleaning.Gate.TryEnter())
            {
                continue;
            }

            try
            {
                return CleanLocked(cleaner, log, range, rethrow: false, cancel);
            }
            finally
            {
                log.Cleaning.Gate.Exit();
            }
        }

        return null;
    }

    private CleanerStats? CleanLocked(Cleaner cleaner, PartitionLog log, CleanableRange range, bool rethrow, CancellationToken cancel)
    {
        CleanerStats? stats;
        try
        {
            stats = cleaner.Clean(log, range, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // As Kafka: a log that cannot be cleaned is left alone (and reported) rather than retried in a loop.
            log.Cleaning.UncleanableReason = $"{e.GetType().Name}: {e.Message}";
            _logger.LogError(e, "cleaning {TopicPartition} failed; it is marked uncleanable", log.TopicPartition);
            if (rethrow)
            {
                throw new KafkaStorageException($"cleaning {log.TopicPartition} failed: {e.Message}", e);
            }

            return null;
        }

        if (stats is null)
        {
            return null;
        }

        log.Cleaning.UncleanableReason = null;
        try
        {
            WriteCheckpoint(log.LogDirectory);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "cannot write the cleaner checkpoint of {LogDir}", log.LogDirectory);
        }

        _lastStats[log.TopicPartition] = stats;
        lock (_totalsLock)
        {
            _totals = new CleanerTotals(
                _totals.Cleanings + 1,
                _totals.BytesRead + stats.BytesRead,
                _totals.BytesWritten + stats.BytesWritten,
                _totals.RecordsRemoved + stats.RecordsRemoved,
                _totals.CleaningTime + stats.Duration);
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation(
                "cleaned {TopicPartition} [{From}, {To}): {Read} bytes read, {Written} written, {Removed} of {Records} records removed in {Duration}",
                stats.TopicPartition, stats.FirstDirtyOffset, stats.EndOffset, stats.BytesRead, stats.BytesWritten, stats.RecordsRemoved, stats.RecordsRead, stats.Duration);
        }

        LogCleaned?.Invoke(stats);
        return stats;
    }
}

/// <summary>What the cleaner did since start: cleanings, bytes read and written, records removed, time spent.</summary>
public readonly record struct CleanerTotals(long Cleanings, long BytesRead, long BytesWritten, long RecordsRemoved, TimeSpan CleaningTime);
