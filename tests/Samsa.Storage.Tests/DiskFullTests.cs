using System.Diagnostics;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Tests;

/// <summary>
/// A log dir on a 2 MiB tmpfs runs out of space mid-append: the append fails with
/// <see cref="KafkaStorageException"/>, the dir goes offline (the other keeps working), and
/// reopening finds every acknowledged batch intact. Needs root for mount; CI runs as root.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly string _small;
    private readonly bool _mounted;

    public DiskFullTests()
    {
        _small = _dir.Sub("small");
        Directory.CreateDirectory(_small);
        _mounted = Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", _small) == 0;
    }

    public void Dispose()
    {
        if (_mounted)
        {
            Run("umount", "-l", _small);
        }

        _dir.Dispose();
    }

    [Fact]
    public void A_full_disk_takes_its_log_dir_offline_without_losing_acknowledged_batches()
    {
        if (!_mounted)
        {
            Assert.NotEqual(0u, Geteuid());
            return;
        }

        // Room to repair the log later, the way an operator frees space before a restart.
        var filler = Path.Combine(_small, "filler");
        File.WriteAllBytes(filler, new byte[256 * 1024]);

        var options = new LogManagerOptions
        {
            LogDirs = [_small, _dir.Sub("big")],
            DefaultConfig = LogConfig.Default with { SegmentBytes = 512 * 1024, SegmentIndexBytes = 64 * 1024, IndexIntervalBytes = 4096 },
        };
        var onSmall = new TopicPartition("full", 0);
        var acked = new List<byte[]>();
        string? failedDir = null;
        using (var manager = LogManager.Open(options))
        {
            manager.LogDirFailed += (dir, _) => failedDir = dir;
            var log = manager.GetOrCreateLog(onSmall);
            var onBig = manager.GetOrCreateLog(new TopicPartition("full", 1));
            Assert.Equal(_small, log.LogDirectory);

            KafkaStorageException? error = null;
            for (var i = 0; i < 1000 && error is null; i++)
            {
                var batch = TestBatches.Create(10, 16 * 1024, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (byte)i);
                try
                {
                    log.AppendAsLeader(batch, 0);
                    acked.Add(batch);
                }
                catch (KafkaStorageException e)
                {
                    error = e;
                }
            }

            Assert.NotNull(error);
            Assert.Equal(56, error.ErrorCode);
            Assert.True(acked.Count > 50);
            Assert.True(log.IsOffline);
            Assert.Equal(_small, failedDir);
            Assert.False(manager.LogDirectories[0].IsOnline);
            Assert.Throws<KafkaStorageException>(() => log.Read(0, 100));

            // The healthy dir carries on and gets the new partitions.
            onBig.AppendAsLeader(TestBatches.Create(1, 100, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), 0);
            Assert.Equal(_dir.Sub("big"), manager.GetOrCreateLog(new TopicPartition("full", 2)).LogDirectory);
        }

        File.Delete(filler);
        using var reopened = LogManager.Open(options);
        var recovered = reopened.GetLog(onSmall)!;
        var batches = TestBatches.Split(recovered.ReadAllBytes(0));
        Assert.Equal(acked.Count, batches.Count);
        for (var i = 0; i < acked.Count; i++)
        {
            Assert.Equal(acked[i], batches[i].Bytes);
            Assert.True(RecordBatchHeader.IsCrcValid(batches[i].Bytes));
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint Geteuid();

    private static int Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                start.ArgumentList.Add(a);
            }

            using var p = Process.Start(start)!;
            p.WaitForExit(10_000);
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
