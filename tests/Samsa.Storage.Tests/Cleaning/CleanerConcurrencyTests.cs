using Samsa.Protocol.Records;
using static Samsa.Storage.Tests.Cleaning.KeyedRecords;

namespace Samsa.Storage.Tests.Cleaning;

public sealed class CleanerConcurrencyTests : IDisposable
{
    private readonly CleanerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Appends_and_reads_go_on_while_the_log_is_cleaned_again_and_again()
    {
        var log = _fixture.Log("concurrent", CleanerFixture.Compacted());
        var model = new Dictionary<string, string>();
        var appended = 0;
        using var done = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var appender = Task.Factory.StartNew(() =>
        {
            for (var i = 0; i < 3000 && !done.IsCancellationRequested; i++)
            {
                var key = $"k{i % 50}";
                var value = $"v{i}";
                CleanerFixture.Append(log, Put(_fixture.Time.NowMs, key, value));
                lock (model)
                {
                    model[key] = value;
                }

                Interlocked.Increment(ref appended);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var reads = 0;
        var reader = Task.Factory.StartNew(() =>
        {
            while ((!appender.IsCompleted || reads < 20) && !done.IsCancellationRequested)
            {
                // Every read sees whole, valid batches in offset order, whatever the cleaner swapped meanwhile.
                var start = log.LogStartOffset;
                using var result = log.Read(start, 1 << 20, log.HighWatermark, minOneBatch: true);
                long previous = -1;
                foreach (var (header, bytes) in TestBatches.Split(result.ToArray()))
                {
                    Assert.True(RecordBatchHeader.IsCrcValid(bytes));
                    Assert.True(header.BaseOffset > previous);
                    previous = header.LastOffset;
                }

                reads++;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var cleanings = 0;
        while ((!appender.IsCompleted || cleanings < 5) && !done.IsCancellationRequested)
        {
            if (_fixture.Manager.Cleaner.CleanNow(log) is not null)
            {
                cleanings++;
            }
            else
            {
                Thread.Sleep(5);
            }

            log.RunPendingDeletions();
        }

        await appender;
        await reader;
        Assert.Equal(3000, appended);
        Assert.True(cleanings > 0 && reads > 0, $"{cleanings} cleanings, {reads} reads");

        _fixture.Manager.Cleaner.CleanNow(log);
        var latest = Latest(log);
        Assert.Equal(model.Count, latest.Count);
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, latest[key].Value);
        }
    }
}
