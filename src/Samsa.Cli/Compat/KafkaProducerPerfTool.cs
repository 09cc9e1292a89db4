using System.CommandLine;
using System.Text;
using System.Text.RegularExpressions;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-producer-perf-test.sh</c>: Kafka's flags and checks, the payload from --record-size, --payload-file or
/// --payload-monotonic, Kafka's output lines (<see cref="KafkaProducerPerfRun"/>). Transactions are refused: Samsa's
/// producer has none yet.
/// </summary>
internal static class KafkaProducerPerfTool
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-producer-perf-test", "kafka-producer-perf-test.sh", withOutput: false);
        var topic = new Option<string>("--topic") { Description = "Topic", Required = true };
        var records = new Option<long>("--num-records") { Description = "Records to send", Required = true };
        var size = new Option<int?>("--record-size") { Description = "Bytes per record (one of --record-size, --payload-file, --payload-monotonic)" };
        var payloadFile = new Option<string?>("--payload-file") { Description = "UTF-8 text file of payloads; each record takes a random one" };
        var delimiter = new Option<string>("--payload-delimiter") { Description = "Regular expression between the payloads of --payload-file (default \\n)", DefaultValueFactory = _ => "\\n" };
        var monotonic = KafkaTools.Flag("payload-monotonic", "Each record's payload is its number: 0, 1, 2, ...");
        var throughput = new Option<double>("--throughput") { Description = "Records/s, -1 for no limit", Required = true };
        var props = new Option<string[]>("--producer-props", "--command-property") { Description = "key=value ...", Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = true };
        var file = new Option<string?>("--producer.config") { Description = "Producer settings file (--producer-props win)" };
        var metrics = KafkaTools.Flag("print-metrics", "Print the producer's measured totals and rates at the end, in Kafka's metrics layout");
        var warmup = new Option<long>("--warmup-records") { Description = "Records left out of a second, steady-state total line" };
        var transactionalId = new Option<string?>("--transactional-id") { Description = "Refused: Samsa's producer has no transactions yet" };
        var transactionMs = new Option<long?>("--transaction-duration-ms") { Description = "Refused: Samsa's producer has no transactions yet" };
        foreach (var option in (Option[])[topic, records, size, payloadFile, delimiter, monotonic, throughput, props, file, metrics, warmup, transactionalId, transactionMs])
        {
            command.Options.Add(option);
        }

        Run.Action(command, async (parse, ct) =>
        {
            if (parse.GetValue(transactionalId) is not null || parse.GetValue(transactionMs) is not null)
            {
                throw CliException.Usage("--transactional-id and --transaction-duration-ms: Samsa's producer has no transactions yet");
            }

            var count = parse.GetValue(records);
            var warm = Math.Max(parse.GetValue(warmup), 0);
            Check(count > 0, "--num-records should be greater than zero");
            Check(warm < count, "The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.");
            var payloads = Payloads(parse.GetValue(size), parse.GetValue(payloadFile), parse.GetValue(delimiter)!, parse.GetValue(monotonic));
            var config = options.Config<ProducerConfig>(parse);
            config.ClientId = "perf-producer-client";
            config.Apply(KafkaProperties.File(parse.GetValue(file), "--producer.config"));
            config.Apply(KafkaProperties.Parse(parse.GetValue(props), "--producer-props"));
            Check(string.IsNullOrEmpty(config.TransactionalId), "transactional.id: Samsa's producer has no transactions yet");
            var plan = new ProducerPerfPlan(parse.GetValue(topic)!, count, warm, parse.GetValue(throughput), payloads, parse.GetValue(metrics));
            await KafkaProducerPerfRun.RunAsync(config, plan, ct);
            return 0;
        });
        return command;
    }

    private static KafkaPerfPayloads Payloads(int? size, string? file, string delimiter, bool monotonic)
    {
        Check((size is null ? 0 : 1) + (file is null ? 0 : 1) + (monotonic ? 1 : 0) == 1, "give exactly one of --record-size, --payload-file, --payload-monotonic");
        if (size is { } bytes)
        {
            Check(bytes > 0, "--record-size should be greater than zero");
            return KafkaPerfPayloads.Random(bytes);
        }

        return file is null ? KafkaPerfPayloads.Monotonic() : KafkaPerfPayloads.FromFile(ReadPayloads(file, delimiter == "\\n" ? "\n" : delimiter));
    }

    /// <summary>The payloads of --payload-file, as Kafka's Scanner splits them: by the delimiter, no empty piece after the last one.</summary>
    private static List<byte[]> ReadPayloads(string file, string delimiter)
    {
        var path = Path.GetFullPath(file);
        System.Console.Out.WriteLine($"Reading payloads from: {path}");
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            throw new CliException("File does not exist or empty file provided.");
        }

        var pieces = Regex.Split(File.ReadAllText(path, Encoding.UTF8), delimiter, RegexOptions.None, TimeSpan.FromSeconds(10)).ToList();
        if (pieces[^1].Length == 0)
        {
            pieces.RemoveAt(pieces.Count - 1);
        }

        System.Console.Out.WriteLine($"Number of messages read: {pieces.Count}");
        Check(pieces.Count > 0, $"--payload-file {file} holds no payload between its delimiters");
        return [.. pieces.Select(Encoding.UTF8.GetBytes)];
    }

    private static void Check(bool ok, string message)
    {
        if (!ok)
        {
            throw CliException.Usage(message);
        }
    }
}
