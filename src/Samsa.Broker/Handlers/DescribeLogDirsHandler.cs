using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Storage;

namespace Samsa.Broker.Handlers;

/// <summary>
/// DescribeLogDirs (v1-4; Kafka 4 removed v0): each log dir of this broker (KAFKA_STORAGE_ERROR when offline) with
/// the partitions asked for (all when the topic list is null): size on disk and offset lag (the high watermark minus
/// the log end offset, never below zero: 0 on a leader); from v4 the file system's total and usable bytes.
/// </summary>
public sealed class DescribeLogDirsHandler(BrokerServices services) : ApiHandler<DescribeLogDirsRequest, DescribeLogDirsResponse>
{
    public override ApiKey ApiKey => ApiKey.DescribeLogDirs;

    public override short MinVersion => 1;

    public override ValueTask<DescribeLogDirsResponse?> HandleAsync(ApiRequest<DescribeLogDirsRequest> request)
    {
        var wanted = request.Body.Topics?
            .GroupBy(t => t.Topic, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(t => t.Partitions).ToHashSet(), StringComparer.Ordinal);
        var logs = services.Logs.Logs;
        var response = new DescribeLogDirsResponse();
        foreach (var dir in services.Logs.LogDirectories)
        {
            var path = Path.GetFullPath(dir.Path);
            var result = new DescribeLogDirsResponse.DescribeLogDirsResult { LogDir = path, TotalBytes = -1, UsableBytes = -1 };
            response.Results.Add(result);
            if (!dir.IsOnline)
            {
                result.ErrorCode = (short)ErrorCode.KafkaStorageError;
                continue;
            }

            (result.TotalBytes, result.UsableBytes) = Space(path);
            var inDir = logs.Where(l => Path.GetFullPath(l.LogDirectory) == path && Wanted(wanted, l.TopicPartition));
            foreach (var topic in inDir.GroupBy(l => l.TopicPartition.Topic, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                result.Topics.Add(new DescribeLogDirsResponse.DescribeLogDirsTopic
                {
                    Name = topic.Key,
                    Partitions = [.. topic.OrderBy(l => l.TopicPartition.Partition).Select(Describe)],
                });
            }
        }

        return ValueTask.FromResult<DescribeLogDirsResponse?>(response);
    }

    public override DescribeLogDirsResponse ErrorResponse(DescribeLogDirsRequest request, short version, ErrorCode error, string? message) =>
        new() { ErrorCode = (short)error };

    private static bool Wanted(Dictionary<string, HashSet<int>>? wanted, TopicPartition topicPartition) =>
        wanted is null || (wanted.TryGetValue(topicPartition.Topic, out var partitions) && partitions.Contains(topicPartition.Partition));

    private static DescribeLogDirsResponse.DescribeLogDirsPartition Describe(PartitionLog log) => new()
    {
        PartitionIndex = log.TopicPartition.Partition,
        PartitionSize = log.Size,
        OffsetLag = Math.Max(0, log.HighWatermark - log.LogEndOffset),
        IsFutureKey = false,
    };

    private static (long Total, long Usable) Space(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return (-1, -1);
        }
    }
}
