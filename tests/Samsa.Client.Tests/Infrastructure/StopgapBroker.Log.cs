using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;
using Samsa.Protocol.Records;

namespace Samsa.Client.Tests.Infrastructure;

/// <summary>The stopgap listener's partitions: batches kept in memory as produced, offsets patched in.</summary>
internal sealed partial class StopgapBroker
{
    private ProduceResponse HandleProduce(ProduceRequest request)
    {
        var response = new ProduceResponse { Responses = [] };
        foreach (var t in request.TopicData)
        {
            var topicResponse = new ProduceResponse.TopicProduceResponse { Name = t.Name, PartitionResponses = [] };
            response.Responses.Add(topicResponse);
            foreach (var p in t.PartitionData)
            {
                var answer = new ProduceResponse.PartitionProduceResponse { Index = p.Index };
                topicResponse.PartitionResponses.Add(answer);
                if (!_topics.TryGetValue(t.Name, out var topic) || p.Index >= topic.Partitions.Count)
                {
                    answer.ErrorCode = (short)ErrorCode.UnknownTopicOrPartition;
                    continue;
                }

                answer.BaseOffset = topic.Partitions[p.Index].Append(((MemoryRecords)p.Records!).Bytes.ToArray());
            }
        }

        return request.Acks == 0 ? null! : response;
    }

    private FetchResponse HandleFetch(FetchRequest request, short version)
    {
        var response = new FetchResponse { Responses = [] };
        foreach (var t in request.Topics)
        {
            var name = version >= 13 ? _topics.FirstOrDefault(e => e.Value.Id == t.TopicId).Key : t.Topic;
            var topicResponse = new FetchResponse.FetchableTopicResponse { Topic = t.Topic, TopicId = t.TopicId, Partitions = [] };
            response.Responses.Add(topicResponse);
            foreach (var p in t.Partitions)
            {
                var answer = new FetchResponse.PartitionData { PartitionIndex = p.Partition, Records = MemoryRecords.Empty };
                topicResponse.Partitions.Add(answer);
                if (name is null || !_topics.TryGetValue(name, out var topic) || p.Partition >= topic.Partitions.Count)
                {
                    answer.ErrorCode = (short)(version >= 13 ? ErrorCode.UnknownTopicId : ErrorCode.UnknownTopicOrPartition);
                    continue;
                }

                var log = topic.Partitions[p.Partition];
                (answer.HighWatermark, answer.LastStableOffset, answer.LogStartOffset) = (log.End, log.End, log.Start);
                if (p.FetchOffset < log.Start || p.FetchOffset > log.End)
                {
                    answer.ErrorCode = (short)ErrorCode.OffsetOutOfRange;
                    continue;
                }

                answer.Records = new MemoryRecords(log.Read(p.FetchOffset, p.PartitionMaxBytes));
            }
        }

        return response;
    }

    private ListOffsetsResponse HandleListOffsets(ListOffsetsRequest request) => new()
    {
        Topics = [.. request.Topics.Select(t => new ListOffsetsResponse.ListOffsetsTopicResponse
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p =>
            {
                if (!_topics.TryGetValue(t.Name, out var topic) || p.PartitionIndex >= topic.Partitions.Count)
                {
                    return new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = p.PartitionIndex, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition };
                }

                var (offset, timestamp) = topic.Partitions[p.PartitionIndex].OffsetFor(p.Timestamp);
                return new ListOffsetsResponse.ListOffsetsPartitionResponse { PartitionIndex = p.PartitionIndex, Offset = offset, Timestamp = timestamp, LeaderEpoch = 0 };
            })],
        })],
    };

    private DeleteRecordsResponse HandleDeleteRecords(DeleteRecordsRequest request) => new()
    {
        Topics = [.. request.Topics.Select(t => new DeleteRecordsResponse.DeleteRecordsTopicResult
        {
            Name = t.Name,
            Partitions = [.. t.Partitions.Select(p =>
            {
                if (!_topics.TryGetValue(t.Name, out var topic) || p.PartitionIndex >= topic.Partitions.Count)
                {
                    return new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, ErrorCode = (short)ErrorCode.UnknownTopicOrPartition, LowWatermark = -1 };
                }

                var log = topic.Partitions[p.PartitionIndex];
                var before = p.Offset == -1 ? log.End : p.Offset;
                if (before < 0 || before > log.End)
                {
                    return new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, ErrorCode = (short)ErrorCode.OffsetOutOfRange, LowWatermark = -1 };
                }

                log.Start = Math.Max(log.Start, before);
                return new DeleteRecordsResponse.DeleteRecordsPartitionResult { PartitionIndex = p.PartitionIndex, LowWatermark = log.Start };
            })],
        })],
    };

    private sealed class Topic(Uuid id, int partitions)
    {
        public Uuid Id { get; } = id;

        public List<PartitionLog> Partitions { get; } = [.. Enumerable.Range(0, partitions).Select(_ => new PartitionLog())];

        public Dictionary<string, string?> Configs { get; } = new(StringComparer.Ordinal);
    }

    private sealed class PartitionLog
    {
        private readonly List<byte[]> _batches = [];

        public long Start { get; set; }

        public long End { get; private set; }

        public long Append(byte[] records)
        {
            var baseOffset = End;
            var iterator = new RecordBatchIterator(records);
            while (iterator.MoveNext())
            {
                var batch = iterator.Current.Bytes.ToArray();
                RecordBatchHeader.SetBaseOffset(batch, End);
                End = RecordBatchHeader.Read(batch).NextOffset;
                _batches.Add(batch);
            }

            return baseOffset;
        }

        /// <summary>Whole batches from the one holding <paramref name="offset"/>, at least one, up to <paramref name="maxBytes"/>.</summary>
        public byte[] Read(long offset, int maxBytes)
        {
            var output = new List<byte>();
            foreach (var batch in _batches)
            {
                if (RecordBatchHeader.Read(batch).NextOffset <= offset)
                {
                    continue;
                }

                if (output.Count > 0 && output.Count + batch.Length > maxBytes)
                {
                    break;
                }

                output.AddRange(batch);
            }

            return [.. output];
        }

        /// <summary>ListOffsets: earliest, latest, or the first record whose timestamp is at or after the target.</summary>
        public (long Offset, long Timestamp) OffsetFor(long timestamp)
        {
            switch (timestamp)
            {
                case -2: return (Start, -1);
                case -1: return (End, -1);
                default:
                    using (var reader = new RecordBatchReader())
                    {
                        foreach (var batch in _batches)
                        {
                            foreach (var record in reader.Read(batch))
                            {
                                if (record.Offset >= Start && record.Timestamp >= timestamp)
                                {
                                    return (record.Offset, record.Timestamp);
                                }
                            }
                        }
                    }

                    return (-1, -1);
            }
        }
    }
}
