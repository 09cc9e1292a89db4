using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Configuration;

namespace Samsa.Cli.ProduceConsume;

/// <summary>
/// <c>samsa produce TOPIC [--file F] [--key-separator S] [--header k=v] [--parse-headers] [--acks A] [--compression C] [--partition P]</c>:
/// one record per input line.
/// </summary>
internal static class ProduceCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("produce", "Send lines from standard input or a file as records", withOutput: false);
        var topic = new Argument<string>("topic") { Description = "Topic to write to" };
        var flags = new ProduceFlags();
        command.Arguments.Add(topic);
        flags.AddTo(command);
        Run.Action(command, async (parse, ct) =>
        {
            var config = options.Config<ProducerConfig>(parse);
            var settings = flags.Apply(parse, config);
            using var input = OpenInput(parse.GetValue(flags.File));
            return await LineProducer.RunAsync(config, parse.GetValue(topic)!, settings, input, ct);
        });
        return command;
    }

    public static TextReader OpenInput(string? file)
    {
        if (file is null)
        {
            return new StreamReader(System.Console.OpenStandardInput());
        }

        return File.Exists(file) ? new StreamReader(file) : throw CliException.Usage($"--file: {file} does not exist");
    }
}
