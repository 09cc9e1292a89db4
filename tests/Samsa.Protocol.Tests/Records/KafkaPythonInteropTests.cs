using System.Text.Json.Nodes;
using Samsa.Protocol.Compression;
using Samsa.Protocol.Records;

namespace Samsa.Protocol.Tests.Records;

/// <summary>
/// Batches exchanged with a real client's implementation of the v2 format: kafka-python's record builder and
/// reader (python3-kafka, with python3-snappy, python3-lz4 and python3-zstandard for the codecs).
/// </summary>
public class KafkaPythonInteropTests
{
    private static readonly CompressionType[] Codecs =
    [
        CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd,
    ];

    // Reads a JSON request on stdin, answers on stdout. Modes:
    //   build: kafka-python builds one batch per codec from the given records;
    //   read:  kafka-python checks the CRC of and decodes each given batch;
    //   frames: the codec libraries compress data in forms kafka-python's builder does not produce.
    private const string Script = """
        import base64, gzip, json, sys
        import lz4.frame, snappy, zstandard
        from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder

        def b64(b): return None if b is None else base64.b64encode(bytes(b)).decode()
        def unb64(s): return None if s is None else base64.b64decode(s)

        request = json.load(sys.stdin)
        mode = request['mode']
        if mode == 'build':
            out = []
            for codec in request['codecs']:
                p = request['producer']
                builder = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=p['transactional'],
                    producer_id=p['id'], producer_epoch=p['epoch'], base_sequence=p['sequence'], batch_size=1 << 30)
                for r in request['records']:
                    headers = [(h[0], unb64(h[1])) for h in r['headers']]
                    if builder.append(r['offset'], timestamp=r['timestamp'], key=unb64(r['key']), value=unb64(r['value']), headers=headers) is None:
                        raise Exception('record did not fit')
                out.append({'codec': codec, 'batch': b64(builder.build())})
            json.dump(out, sys.stdout)
        elif mode == 'read':
            out = []
            for encoded in request['batches']:
                batch = DefaultRecordBatch(unb64(encoded))
                crc_ok = batch.validate_crc()
                records = [{'offset': r.offset, 'timestamp': r.timestamp, 'timestamp_type': r.timestamp_type,
                            'key': b64(r.key), 'value': b64(r.value),
                            'headers': [[k, b64(v)] for k, v in r.headers]} for r in batch]
                out.append({'crc_ok': crc_ok, 'base_offset': batch.base_offset, 'magic': batch.magic,
                            'codec': batch.compression_type, 'transactional': batch.is_transactional,
                            'control': batch.is_control_batch, 'max_timestamp': batch.max_timestamp,
                            'records': records})
            json.dump(out, sys.stdout)
        elif mode == 'frames':
            data = unb64(request['data'])
            half = len(data) // 2
            json.dump({
                'zstd_no_content_size': b64(zstandard.ZstdCompressor(level=3, write_content_size=False).compress(data)),
                'zstd_two_frames': b64(zstandard.ZstdCompressor().compress(data[:half]) + zstandard.ZstdCompressor().compress(data[half:])),
                'lz4_checksums_linked': b64(lz4.frame.compress(data, block_linked=True, content_checksum=True,
                                                               block_checksum=True, block_size=lz4.frame.BLOCKSIZE_MAX64KB)),
                'gzip_two_members': b64(gzip.compress(data[:half]) + gzip.compress(data[half:])),
                'snappy_raw': b64(snappy.compress(data)),
            }, sys.stdout)
        """;

    [Fact]
    public void Our_reader_decodes_batches_kafka_python_built_with_every_codec()
    {
        var records = Records();
        var request = new JsonObject
        {
            ["mode"] = "build",
            ["codecs"] = new JsonArray([.. Codecs.Select(c => JsonValue.Create((int)c))]),
            ["producer"] = new JsonObject { ["transactional"] = true, ["id"] = 777, ["epoch"] = 3, ["sequence"] = 40 },
            ["records"] = new JsonArray([.. records.Select(ToJson)]),
        };

        var built = JsonNode.Parse(KafkaPython.Run(Script, request.ToJsonString()))!.AsArray();

        Assert.Equal(Codecs.Length, built.Count);
        foreach (var entry in built)
        {
            var codec = (CompressionType)entry!["codec"]!.GetValue<int>();
            var batch = Convert.FromBase64String(entry["batch"]!.GetValue<string>());
            var header = RecordBatchHeader.Read(batch);

            Assert.True(RecordBatchHeader.IsCrcValid(batch), $"{codec}: CRC");
            Assert.Equal(codec, header.Compression);
            Assert.True(header.IsTransactional);
            Assert.Equal(777, header.ProducerId);
            Assert.Equal((short)3, header.ProducerEpoch);
            Assert.Equal(40, header.BaseSequence);
            Assert.Equal(records.Count, header.RecordsCount);
            Assert.Equal(records.Count - 1, header.LastOffsetDelta);
            Assert.Equal(records[0].Timestamp, header.BaseTimestamp);
            Assert.Equal(records.Max(r => r.Timestamp), header.MaxTimestamp);

            var validation = RecordBatchValidator.ValidateProduceRecords(batch, RecordBatchValidationOptions.Produce with { DecodeRecords = true });
            Assert.True(validation.IsValid, $"{codec}: {validation.Message}");

            var read = TestRecords.ReadAll(batch);
            Assert.Equal(records.Count, read.Count);
            for (var i = 0; i < records.Count; i++)
            {
                Assert.True(records[i].SameAs(read[i]), $"{codec} record {i}: python wrote {records[i]}, we read {read[i]}");
            }
        }
    }

    [Fact]
    public void Kafka_python_decodes_batches_our_builder_wrote_with_every_codec()
    {
        var records = Records();
        var batches = Codecs
            .Select(codec => TestRecords.BuildBytes(records, new RecordBatchOptions { Compression = codec, BaseOffset = 0 }))
            .ToList();
        var logAppend = TestRecords.BuildBytes(records, new RecordBatchOptions
        {
            Compression = CompressionType.Lz4,
            TimestampType = TimestampType.LogAppendTime,
            LogAppendTime = 1_900_000_000_000,
            IsTransactional = true,
        });
        batches.Add(logAppend);

        var request = new JsonObject
        {
            ["mode"] = "read",
            ["batches"] = new JsonArray([.. batches.Select(b => JsonValue.Create(Convert.ToBase64String(b)))]),
        };
        var decoded = JsonNode.Parse(KafkaPython.Run(Script, request.ToJsonString()))!.AsArray();

        Assert.Equal(batches.Count, decoded.Count);
        for (var b = 0; b < batches.Count; b++)
        {
            var result = decoded[b]!;
            var isLogAppend = b == batches.Count - 1;
            var codec = isLogAppend ? CompressionType.Lz4 : Codecs[b];
            Assert.True(result["crc_ok"]!.GetValue<bool>(), $"{codec}: kafka-python says the CRC is wrong");
            Assert.Equal(2, result["magic"]!.GetValue<int>());
            Assert.Equal((int)codec, result["codec"]!.GetValue<int>());
            Assert.Equal(isLogAppend, result["transactional"]!.GetValue<bool>());
            Assert.False(result["control"]!.GetValue<bool>());

            var read = result["records"]!.AsArray().Select(FromJson).ToList();
            Assert.Equal(records.Count, read.Count);
            for (var i = 0; i < records.Count; i++)
            {
                var expected = isLogAppend ? records[i] with { Timestamp = 1_900_000_000_000 } : records[i];
                Assert.True(expected.SameAs(read[i]), $"{codec} record {i}: we wrote {expected}, python read {read[i]}");
                Assert.Equal(isLogAppend ? 1 : 0, result["records"]![i]!["timestamp_type"]!.GetValue<int>());
            }
        }
    }

    [Fact]
    public void Our_codecs_read_the_frame_variants_other_libraries_write()
    {
        var data = Samsa.Protocol.Tests.Compression.CompressionCodecTests.JsonLikeRecords(300_000);
        var request = new JsonObject { ["mode"] = "frames", ["data"] = Convert.ToBase64String(data) };
        var frames = JsonNode.Parse(KafkaPython.Run(Script, request.ToJsonString()))!.AsObject();

        var expectations = new Dictionary<string, CompressionType>
        {
            ["zstd_no_content_size"] = CompressionType.Zstd,
            ["zstd_two_frames"] = CompressionType.Zstd,
            ["lz4_checksums_linked"] = CompressionType.Lz4,
            ["gzip_two_members"] = CompressionType.Gzip,
            ["snappy_raw"] = CompressionType.Snappy,
        };
        foreach (var (name, codec) in expectations)
        {
            var frame = Convert.FromBase64String(frames[name]!.GetValue<string>());
            using var output = new Samsa.Protocol.Buffers.PooledBufferWriter();
            CompressionCodec.Get(codec).Decompress(frame, output, data.Length);
            Assert.True(output.WrittenSpan.SequenceEqual(data), $"{name} did not decode to the original data");
        }
    }

    private static List<TestRecord> Records()
    {
        // Compressible values so that kafka-python (which falls back to no compression when it does not pay)
        // really compresses; keys, values and header values cover null and empty.
        var random = new Random(99);
        var records = new List<TestRecord>();
        for (var i = 0; i < 60; i++)
        {
            byte[]? key = (i % 7) switch { 0 => null, 1 => [], _ => TestRecords.Text($"key-{i % 13}") };
            byte[]? value = (i % 11) switch
            {
                0 => null,
                1 => [],
                _ => TestRecords.Text(string.Concat(Enumerable.Repeat($"{{\"n\":{i},\"v\":\"{random.Next(100)}\"}}", 1 + (i % 9)))),
            };
            var headers = (i % 4) switch
            {
                0 => new List<(string, byte[]?)>(),
                1 => [("trace", TestRecords.Text($"t{i}"))],
                2 => [("ü-key", null), ("", [])],
                _ => [("a", [1, 2, 3]), ("b", TestRecords.Text("x")), ("c", null)],
            };
            records.Add(new TestRecord(i, 1_700_000_000_000 + (i * 13) - (i % 5 * 100), key, value, headers));
        }

        return records;
    }

    private static JsonNode ToJson(TestRecord r) => new JsonObject
    {
        ["offset"] = r.Offset,
        ["timestamp"] = r.Timestamp,
        ["key"] = r.Key is null ? null : Convert.ToBase64String(r.Key),
        ["value"] = r.Value is null ? null : Convert.ToBase64String(r.Value),
        ["headers"] = new JsonArray([.. r.Headers.Select(h => (JsonNode)new JsonArray(h.Key, h.Value is null ? null : Convert.ToBase64String(h.Value)))]),
    };

    private static TestRecord FromJson(JsonNode? node)
    {
        static byte[]? Bytes(JsonNode? n) => n is null ? null : Convert.FromBase64String(n.GetValue<string>());
        var headers = node!["headers"]!.AsArray()
            .Select(h => (h![0]!.GetValue<string>(), Bytes(h[1])))
            .ToList();
        return new TestRecord(node["offset"]!.GetValue<long>(), node["timestamp"]!.GetValue<long>(), Bytes(node["key"]), Bytes(node["value"]), headers);
    }
}
