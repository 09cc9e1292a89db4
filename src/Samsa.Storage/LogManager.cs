using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Storage.Checkpoints;
using Samsa.Storage.Cleaning;
using Samsa.Storage.Files;

namespace Samsa.Storage;

/// <summary>
/// Owns every partition log in every log dir: opens and recovers them in parallel at start,
/// creates new ones on the log dir holding the fewest, deletes them, runs retention, flush.ms and
/// checkpoints in the background, and shuts down cleanly (flush, checkpoints, clean-shutdown
/// marker). A log dir with an I/O error goes offline with its partitions; the process carries on.
/// </summary>
public sealed class LogManager : IDisposable
{
    /// <summary>Kafka's clean-shutdown marker in each log dir.</summary>
    public const string CleanShutdownFileName = ".kafka_cleanshutdown";
    public const string LockFileName = ".lock";
    private const string DeleteDirSuffix = "-delete";

    private readonly LogManagerOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<TopicPartition, PartitionLog> _logs = new();
    private readonly LogDir[] _dirs;
    private readonly Lock _createLock = new();
    private CancellationTokenSource? _schedulerStop;
    private Task? _scheduler;
    private bool _shutDown;

    private LogManager(LogManagerOptions options)
    {
        _options = options;
        _logger = options.LoggerFactory?.CreateLogger<LogManager>() ?? NullLogger<LogManager>.Instance;
        _dirs = new LogDir[options.LogDirs.Count];
        for (var i = 0; i < _dirs.Length; i++)
        {
            _dirs[i] = new LogDir(Path.GetFullPath(options.LogDirs[i]));
        }

        Cleaner = new LogCleaner(options.Cleaner, () => _logs.Values, options.LoggerFactory);
    }

    /// <summary>The log cleaner: started and stopped with the log manager; <see cref="LogCleaner.CleanNow"/> cleans one log on demand.</summary>
    public LogCleaner Cleaner { get; }

    /// <summary>Raised when a log dir goes offline (path, cause).</summary>
    public event Action<string, Exception>? LogDirFailed;

    public IReadOnlyCollection<PartitionLog> Logs => _logs.Values.ToArray();

    public IReadOnlyList<LogDirectoryInfo> LogDirectories
    {
        get
        {
            var result = new LogDirectoryInfo[_dirs.Length];
            for (var i = 0; i < _dirs.Length; i++)
            {
                var dir = _dirs[i];
                result[i] = new LogDirectoryInfo(dir.Path, dir.IsOnline, CountLogs(dir.Path), dir.Error);
            }

            return result;
        }
    }

    /// <summary>Opens every log in every log dir, recovering those of dirs without a clean-shutdown marker.</summary>
    public static LogManager Open(LogManagerOptions options)
    {
        if (options.LogDirs.Count == 0)
        {
            throw new ArgumentException("at least one log dir is needed", nameof(options));
        }

        var manager = new LogManager(options);
        manager.LoadAll();
        return manager;
    }

    /// <summary>Starts the background scheduler (retention, flush.ms, checkpoints, delayed deletions) and the log cleaner.</summary>
    public void Start()
    {
        if (_scheduler is not null)
        {
            return;
        }

        Cleaner.Start();
        _schedulerStop = new CancellationTokenSource();
        _scheduler = Task.Run(() => RunSchedulerAsync(_schedulerStop.Token));
    }

    public PartitionLog? GetLog(TopicPartition topicPartition) => _logs.GetValueOrDefault(topicPartition);

    /// <summary>The partition's log, created on the online log dir with the fewest partitions if it is new.</summary>
    /// <exception cref="KafkaStorageException">No log dir is online, or the directory cannot be created.</exception>
    public PartitionLog GetOrCreateLog(TopicPartition topicPartition, LogConfig? config = null)
    {
        if (_logs.TryGetValue(topicPartition, out var existing))
        {
            return existing;
        }

        lock (_createLock)
        {
            if (_logs.TryGetValue(topicPartition, out existing))
            {
                return existing;
            }

            LogDir? target = null;
            var fewest = int.MaxValue;
            foreach (var dir in _dirs)
            {
                var count = dir.IsOnline ? CountLogs(dir.Path) : int.MaxValue;
                if (dir.IsOnline && count < fewest)
                {
                    target = dir;
                    fewest = count;
                }
            }

            if (target is null)
            {
                throw new KafkaStorageException($"cannot create the log of {topicPartition}: no log dir is online");
            }

            try
            {
                var log = PartitionLog.Open(
                    Path.Combine(target.Path, topicPartition.DirectoryName),
                    topicPartition,
                    config ?? ConfigFor(topicPartition.Topic),
                    LogOptions(target, hadCleanShutdown: true, 0, 0));
                NativeFile.FsyncDirectory(target.Path);
                _logs[topicPartition] = log;
                return log;
            }
            catch (IOException e)
            {
                FailDir(target, e);
                throw new KafkaStorageException($"cannot create the log of {topicPartition} in {target.Path}: {e.Message}", e);
            }
        }
    }

    /// <summary>Closes and deletes a partition's log (renamed to <c>&lt;tp&gt;.&lt;id&gt;-delete</c> first, so a crash finishes the job at start).</summary>
    public bool DeleteLog(TopicPartition topicPartition)
    {
        if (!_logs.TryRemove(topicPartition, out var log))
        {
            return false;
        }

        LogCleaner.AbortCleaning(log);
        log.Close();
        if (log.Cleaning.CheckpointOffset >= 0)
        {
            try
            {
                Cleaner.WriteCheckpoint(log.LogDirectory);
            }
            catch (IOException e)
            {
                _logger.LogWarning(e, "cannot update the cleaner checkpoint of {LogDir}", log.LogDirectory);
            }
        }

        var renamed = Path.Combine(
            log.LogDirectory,
            $"{topicPartition.DirectoryName}.{Guid.NewGuid():N}{DeleteDirSuffix}");
        try
        {
            Directory.Move(log.DirectoryPath, renamed);
            NativeFile.FsyncDirectory(log.LogDirectory);
            Directory.Delete(renamed, recursive: true);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "deleting {Directory} failed; it is retried at the next start", renamed);
        }

        return true;
    }

    /// <summary>Applies a topic config change to the topic's live logs.</summary>
    public void UpdateTopicConfig(string topic, LogConfig config)
    {
        foreach (var (tp, log) in _logs)
        {
            if (tp.Topic == topic)
            {
                log.UpdateConfig(config);
            }
        }
    }

    /// <summary>One retention pass over every log.</summary>
    public int RunRetention()
    {
        var deleted = 0;
        foreach (var log in _logs.Values)
        {
            try
            {
                deleted += log.DeleteOldSegments();
            }
            catch (StorageException e)
            {
                _logger.LogWarning(e, "retention of {Log} failed", log.DirectoryPath);
            }
        }

        return deleted;
    }

    /// <summary>flush.ms for every log.</summary>
    public void FlushDirtyLogs()
    {
        foreach (var log in _logs.Values)
        {
            try
            {
                log.FlushIfDue();
            }
            catch (Exception e) when (e is StorageException or ObjectDisposedException)
            {
                _logger.LogWarning(e, "flush of {Log} failed", log.DirectoryPath);
            }
        }
    }

    /// <summary>Writes <c>recovery-point-offset-checkpoint</c> and <c>log-start-offset-checkpoint</c> in every online log dir.</summary>
    public void Checkpoint()
    {
        foreach (var dir in _dirs)
        {
            if (!dir.IsOnline)
            {
                continue;
            }

            var recoveryPoints = new List<KeyValuePair<TopicPartition, long>>();
            var logStarts = new List<KeyValuePair<TopicPartition, long>>();
            foreach (var (tp, log) in _logs)
            {
                if (log.LogDirectory == dir.Path && !log.IsOffline)
                {
                    recoveryPoints.Add(new(tp, log.RecoveryPoint));
                    logStarts.Add(new(tp, log.LogStartOffset));
                }
            }

            try
            {
                OffsetCheckpointFile.Write(Path.Combine(dir.Path, OffsetCheckpointFile.RecoveryPointFileName), recoveryPoints);
                OffsetCheckpointFile.Write(Path.Combine(dir.Path, OffsetCheckpointFile.LogStartOffsetFileName), logStarts);
            }
            catch (IOException e)
            {
                FailDir(dir, e);
            }
        }
    }

    /// <summary>
    /// Clean shutdown: stops the scheduler, flushes and closes every log, writes the checkpoints,
    /// and leaves the clean-shutdown marker in each log dir whose logs all closed cleanly.
    /// </summary>
    public void Shutdown()
    {
        if (_shutDown)
        {
            return;
        }

        _shutDown = true;
        Cleaner.Stop();
        StopScheduler();
        var failedDirs = new ConcurrentDictionary<string, bool>();
        Parallel.ForEach(_logs.Values, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.RecoveryThreadsPerDataDir * _dirs.Length) }, log =>
        {
            try
            {
                if (!log.IsOffline)
                {
                    log.Flush();
                }
            }
            catch (Exception e) when (e is StorageException or ObjectDisposedException)
            {
                failedDirs[log.LogDirectory] = true;
            }
        });
        Checkpoint();
        foreach (var log in _logs.Values)
        {
            log.Close();
        }

        foreach (var dir in _dirs)
        {
            if (dir.IsOnline && !failedDirs.ContainsKey(dir.Path))
            {
                try
                {
                    WriteCleanShutdownMarker(dir.Path, _options.BrokerEpoch);
                }
                catch (IOException e)
                {
                    _logger.LogWarning(e, "cannot write the clean-shutdown marker in {LogDir}", dir.Path);
                }
            }

            dir.Release();
        }
    }

    public void Dispose()
    {
        Shutdown();
        Cleaner.Dispose();
    }

    /// <summary>Stops as a killed process would: no flush, checkpoint or marker (tests).</summary>
    internal void Abandon()
    {
        _shutDown = true;
        Cleaner.Stop();
        StopScheduler();
        foreach (var log in _logs.Values)
        {
            log.Abandon();
        }

        foreach (var dir in _dirs)
        {
            dir.Release();
        }
    }

    private static void WriteCleanShutdownMarker(string dir, long brokerEpoch)
    {
        var path = Path.Combine(dir, CleanShutdownFileName);
        using (var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
        {
            RandomAccess.Write(handle, System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"version\":0,\"brokerEpoch\":{brokerEpoch}}}")), 0);
            NativeFile.Fsync(handle);
        }

        NativeFile.FsyncDirectory(dir);
    }

    private int CountLogs(string dirPath)
    {
        var count = 0;
        foreach (var log in _logs.Values)
        {
            if (log.LogDirectory == dirPath)
            {
                count++;
            }
        }

        return count;
    }

    private LogConfig ConfigFor(string topic) => _options.TopicConfig?.Invoke(topic) ?? _options.DefaultConfig;

    private PartitionLogOptions LogOptions(LogDir dir, bool hadCleanShutdown, long recoveryPoint, long logStartOffset) => new()
    {
        HadCleanShutdown = hadCleanShutdown,
        RecoveryPoint = recoveryPoint,
        LogStartOffset = logStartOffset,
        Time = _options.Time,
        Logger = _options.LoggerFactory?.CreateLogger<PartitionLog>(),
        OnStorageFailure = (_, e) => FailDir(dir, e),
    };

    private void LoadAll()
    {
        var jobs = new List<(LogDir Dir, TopicPartition Tp, string Path, bool Clean, long RecoveryPoint, long LogStart)>();
        foreach (var dir in _dirs)
        {
            try
            {
                Directory.CreateDirectory(dir.Path);
                dir.Acquire();
                var clean = File.Exists(Path.Combine(dir.Path, CleanShutdownFileName));
                var recoveryPoints = ReadCheckpoint(Path.Combine(dir.Path, OffsetCheckpointFile.RecoveryPointFileName));
                var logStarts = ReadCheckpoint(Path.Combine(dir.Path, OffsetCheckpointFile.LogStartOffsetFileName));
                foreach (var sub in Directory.EnumerateDirectories(dir.Path))
                {
                    var name = System.IO.Path.GetFileName(sub);
                    if (name.EndsWith(DeleteDirSuffix, StringComparison.Ordinal))
                    {
                        Directory.Delete(sub, recursive: true);
                        continue;
                    }

                    if (name.StartsWith("__cluster_metadata", StringComparison.Ordinal) || !TopicPartition.TryParseDirectoryName(name, out var tp))
                    {
                        continue;
                    }

                    jobs.Add((dir, tp, sub, clean, recoveryPoints.GetValueOrDefault(tp), logStarts.GetValueOrDefault(tp)));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                FailDir(dir, e);
            }
        }

        var parallelism = Math.Max(1, _options.RecoveryThreadsPerDataDir * _dirs.Length);
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, job =>
        {
            if (!job.Dir.IsOnline)
            {
                return;
            }

            try
            {
                var log = PartitionLog.Open(job.Path, job.Tp, ConfigFor(job.Tp.Topic), LogOptions(job.Dir, job.Clean, job.RecoveryPoint, job.LogStart));
                if (!_logs.TryAdd(job.Tp, log))
                {
                    log.Close();
                    FailDir(job.Dir, new IOException($"{job.Tp} is in more than one log dir"));
                }
            }
            catch (KafkaStorageException e)
            {
                FailDir(job.Dir, e);
            }
        });

        // From here a crash must be noticed at the next start.
        foreach (var dir in _dirs)
        {
            if (dir.IsOnline)
            {
                try
                {
                    Cleaner.LoadCheckpoints(dir.Path, _logs.Values.Where(log => log.LogDirectory == dir.Path));
                    File.Delete(Path.Combine(dir.Path, CleanShutdownFileName));
                    NativeFile.FsyncDirectory(dir.Path);
                }
                catch (IOException e)
                {
                    FailDir(dir, e);
                }
            }
        }
    }

    private Dictionary<TopicPartition, long> ReadCheckpoint(string path)
    {
        try
        {
            return OffsetCheckpointFile.Read(path);
        }
        catch (InvalidDataException e)
        {
            // Without the file every log of the dir is fully recovered: slower, never wrong.
            _logger.LogWarning(e, "ignoring the malformed checkpoint {Path}", path);
            return [];
        }
    }

    private void FailDir(LogDir dir, Exception cause)
    {
        if (!dir.MarkOffline(cause))
        {
            return;
        }

        _logger.LogError(cause, "log dir {LogDir} is offline", dir.Path);
        foreach (var log in _logs.Values)
        {
            if (log.LogDirectory == dir.Path)
            {
                log.MarkOffline();
            }
        }

        LogDirFailed?.Invoke(dir.Path, cause);
    }

    private async Task RunSchedulerAsync(CancellationToken stop)
    {
        var time = _options.Time;
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var nextRetention = now + Math.Min(_options.RetentionCheckIntervalMs, 30_000);
        var nextFlush = SafeAdd(now, _options.FlushSchedulerIntervalMs);
        var nextCheckpoint = SafeAdd(now, Math.Min(_options.FlushOffsetCheckpointIntervalMs, _options.FlushStartOffsetCheckpointIntervalMs));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(_options.SchedulerTickMs), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                now = time.GetUtcNow().ToUnixTimeMilliseconds();
                try
                {
                    if (now >= nextRetention)
                    {
                        RunRetention();
                        nextRetention = SafeAdd(now, _options.RetentionCheckIntervalMs);
                    }

                    if (now >= nextFlush)
                    {
                        FlushDirtyLogs();
                        nextFlush = SafeAdd(now, _options.FlushSchedulerIntervalMs);
                    }

                    if (now >= nextCheckpoint)
                    {
                        Checkpoint();
                        nextCheckpoint = SafeAdd(now, Math.Min(_options.FlushOffsetCheckpointIntervalMs, _options.FlushStartOffsetCheckpointIntervalMs));
                    }

                    foreach (var log in _logs.Values)
                    {
                        log.RunPendingDeletions();
                    }
                }
                catch (Exception e) when (e is StorageException or ObjectDisposedException)
                {
                    _logger.LogWarning(e, "a background storage task failed");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static long SafeAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    private void StopScheduler()
    {
        if (_scheduler is null)
        {
            return;
        }

        _schedulerStop!.Cancel();
        try
        {
            _scheduler.Wait();
        }
        catch (AggregateException)
        {
        }

        _schedulerStop.Dispose();
        _scheduler = null;
    }

    /// <summary>One log dir: its path, whether it is online, and the <c>.lock</c> that keeps a second broker out.</summary>
    private sealed class LogDir(string path) : IDisposable
    {
        private FileStream? _lock;
        private volatile string? _error;

        public string Path { get; } = path;

        public bool IsOnline => _error is null;

        public string? Error => _error;

        public void Acquire() =>
            _lock = new FileStream(System.IO.Path.Combine(Path, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        public bool MarkOffline(Exception cause) =>
            Interlocked.CompareExchange(ref _error, string.Create(CultureInfo.InvariantCulture, $"{cause.GetType().Name}: {cause.Message}"), null) is null;

        public void Release()
        {
            _lock?.Dispose();
            _lock = null;
        }

        public void Dispose() => Release();
    }
}
