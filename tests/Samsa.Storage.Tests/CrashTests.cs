using System.Diagnostics;
using System.Globalization;
using Samsa.Protocol.Records;

namespace Samsa.Storage.Tests;

/// <summary>
/// Kills a child process that is appending as fast as it can, at random moments, and checks the
/// log reopens with every acknowledged batch intact (a killed process's writes are in the page
/// cache; recovery must keep them and cut only what was half-written).
/// </summary>
public sealed class CrashTests : IDisposable
{
    private static readonly TopicPartition Tp = new("crash", 0);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(0)]
    [InlineData(50)]
    public async Task Killing_the_writer_mid_append_loses_no_acknowledged_batch(int flushEvery)
    {
        var path = _dir.Sub(Tp.DirectoryName);
        var random = new Random(flushEvery + 17);
        var next = 0;
        for (var round = 0; round < 3; round++)
        {
            var lastAcked = await RunAndKillAsync(path, flushEvery, next, ackedBeforeKill: 100 + random.Next(400));
            Assert.True(lastAcked >= next, "the child acknowledged nothing");

            using var log = PartitionLog.Open(path, Tp, LogConfig.Default, new PartitionLogOptions { HadCleanShutdown = false });
            var batches = TestBatches.Split(log.ReadAllBytes(0));
            Assert.True(batches.Count > lastAcked, $"round {round}: {batches.Count} batches survived, {lastAcked + 1} were acknowledged");
            long expectedOffset = 0;
            for (var i = 0; i < batches.Count; i++)
            {
                var (header, bytes) = batches[i];
                Assert.True(RecordBatchHeader.IsCrcValid(bytes));
                Assert.Equal(expectedOffset, header.BaseOffset);
                Assert.Equal(TestBatches.WithoutOffsetAndEpoch(TestBatches.Deterministic(i)), TestBatches.WithoutOffsetAndEpoch(bytes));
                expectedOffset = header.NextOffset;
            }

            Assert.Equal(expectedOffset, log.LogEndOffset);
            next = batches.Count;
        }
    }

    private static async Task<int> RunAndKillAsync(string path, int flushEvery, int startIndex, int ackedBeforeKill)
    {
        var host = Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Samsa.Storage.CrashWriter.dll"));
        start.ArgumentList.Add(path);
        start.ArgumentList.Add(flushEvery.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(startIndex.ToString(CultureInfo.InvariantCulture));
        using var child = Process.Start(start)!;
        var lastAcked = -1;
        var acks = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (acks < ackedBeforeKill)
            {
                var line = await child.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    throw new InvalidOperationException("the crash writer exited: " + await child.StandardError.ReadToEndAsync(timeout.Token));
                }

                lastAcked = int.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
                acks++;
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(CancellationToken.None);
        }

        return lastAcked;
    }
}
