using System.Globalization;
using Samsa.Storage;
using Samsa.Storage.Tests;

// Child process of the crash tests: appends deterministic batches to a log as fast as it can and
// prints "acked <index> <lastOffset>" after each append returns, until it is killed.
var directory = args[0];
var flushEvery = int.Parse(args[1], CultureInfo.InvariantCulture);
var startIndex = int.Parse(args[2], CultureInfo.InvariantCulture);
var config = LogConfig.Default with { SegmentBytes = 256 * 1024, IndexIntervalBytes = 512, SegmentIndexBytes = 4096 };
var log = PartitionLog.Open(directory, new TopicPartition("crash", 0), config, new PartitionLogOptions { HadCleanShutdown = false });
var output = Console.Out;
for (var i = startIndex; ; i++)
{
    var batch = TestBatches.Deterministic(i);
    var info = log.AppendAsLeader(batch, leaderEpoch: 1 + (i / 500));
    if (flushEvery > 0 && i % flushEvery == 0)
    {
        log.Flush();
    }

    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acked {i} {info.LastOffset}"));
    output.Flush();
}
