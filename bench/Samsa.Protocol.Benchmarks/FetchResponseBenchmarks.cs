using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using Samsa.Protocol.Messages;
using Samsa.Protocol.Primitives;

namespace Samsa.Protocol.Benchmarks;

/// <summary>
/// Encoding a Fetch response (v16, with its response header, as the broker answers) into a reused
/// <see cref="ProtocolWriter"/> and taking its chunks, as the network layer does before sending. The records are
/// 1 MiB shared by the partitions, referenced either as memory or as regions of a file (a log segment) through
/// <see cref="ProtocolWriter.AppendFileRegion"/>; neither copies them. The third shape answers every partition with
/// NOT_LEADER_OR_FOLLOWER and the new leader (the tagged CurrentLeader struct and NodeEndpoints array), what a
/// broker sends to every consumer right after a leader moves.
/// </summary>
[MemoryDiagnoser]
public class FetchResponseBenchmarks
{
    private const short Version = 16;
    private const int TotalBytes = 1024 * 1024;

    private readonly ProtocolWriter _writer = new();
    private string _path = "";
    private SafeFileHandle? _file;
    private FetchResponse _response = new();

    public enum Payload
    {
        Memory,
        FileRegion,
        NotLeader,
    }

    [Params(6, 60)]
    public int Partitions { get; set; }

    [Params(Payload.Memory, Payload.FileRegion, Payload.NotLeader)]
    public Payload Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var bytes = new byte[TotalBytes];
        new Random(3).NextBytes(bytes);
        _path = Path.Combine(Path.GetTempPath(), $"samsa-fetch-bench-{Environment.ProcessId}.log");
        File.WriteAllBytes(_path, bytes);
        _file = File.OpenHandle(_path);

        _response = new FetchResponse { SessionId = 7 };
        var topic = new FetchResponse.FetchableTopicResponse { Topic = "bench-events", TopicId = new Uuid(0x1234, 0x5678) };
        _response.Responses.Add(topic);
        var share = TotalBytes / Partitions;
        for (var p = 0; p < Partitions; p++)
        {
            var partition = new FetchResponse.PartitionData { PartitionIndex = p, LastStableOffset = 1000, LogStartOffset = 0 };
            switch (Records)
            {
                case Payload.Memory:
                    partition.HighWatermark = 1000;
                    partition.Records = new MemoryRecords(bytes.AsMemory(p * share, share));
                    break;
                case Payload.FileRegion:
                    partition.HighWatermark = 1000;
                    partition.Records = new FileRegionRecords(_file, p * share, share);
                    break;
                default:
                    partition.ErrorCode = 6; // NOT_LEADER_OR_FOLLOWER
                    partition.HighWatermark = -1;
                    partition.CurrentLeader = new FetchResponse.LeaderIdAndEpoch { LeaderId = 2, LeaderEpoch = 5 };
                    partition.Records = MemoryRecords.Empty;
                    break;
            }

            topic.Partitions.Add(partition);
        }

        if (Records == Payload.NotLeader)
        {
            _response.NodeEndpoints.Add(new FetchResponse.NodeEndpoint { NodeId = 2, Host = "broker-2.example", Port = 9092 });
        }

        Console.WriteLine($"// {Partitions} partitions, {Records}: response of {Encode()} bytes");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _file?.Dispose();
        File.Delete(_path);
    }

    [Benchmark(Description = "ResponseFrame.Write Fetch")]
    public long Encode()
    {
        _writer.Reset();
        ResponseFrame.Write(_writer, ApiKey.Fetch, Version, 42, _response);
        return _writer.GetChunks().Count + _writer.Length;
    }

    /// <summary>A record set that is a region of a log segment, as the Fetch handler will hand it to the writer.</summary>
    private sealed class FileRegionRecords(SafeFileHandle file, long position, int length) : RecordsPayload
    {
        public override int Length => length;

        public override void WriteTo(ProtocolWriter writer) => writer.AppendFileRegion(file, position, length);
    }
}
