using System.CommandLine;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Common;

/// <summary>The options every client command has: where the cluster is, client properties, output format.</summary>
internal sealed class ClientOptions
{
    public const string DefaultBootstrap = "localhost:9092";

    /// <summary>How long an admin call retries before the CLI gives up, unless --command-config says otherwise.</summary>
    private const int DefaultApiTimeoutMs = 15_000;

    public Option<string> Bootstrap { get; } = new("--bootstrap-server", "-b")
    {
        Description = "Broker(s) to connect to, host:port[,host:port...]",
        HelpName = "host:port",
        DefaultValueFactory = _ => DefaultBootstrap,
    };

    public Option<string?> CommandConfig { get; } = new("--command-config")
    {
        Description = "A properties file of client settings (Kafka's names: client.id, request.timeout.ms, security.protocol, ...)",
        HelpName = "file",
    };

    public Option<OutputFormat> Output { get; } = new("--output", "-o")
    {
        Description = "table (default) or json",
        DefaultValueFactory = _ => OutputFormat.Table,
    };

    /// <summary>A command with these options (and --output when <paramref name="withOutput"/>).</summary>
    public static (Command Command, ClientOptions Options) Command(string name, string description, bool withOutput = true)
    {
        var options = new ClientOptions();
        var command = new Command(name, description) { options.Bootstrap, options.CommandConfig };
        if (withOutput)
        {
            command.Options.Add(options.Output);
        }

        return (command, options);
    }

    public T Config<T>(ParseResult parse)
        where T : ClientConfig, new()
    {
        var config = new T { DefaultApiTimeoutMs = DefaultApiTimeoutMs, ClientId = "samsa-cli", SocketConnectionSetupTimeoutMs = 5_000 };
        var file = parse.GetValue(CommandConfig);
        if (file is not null)
        {
            if (!File.Exists(file))
            {
                throw CliException.Usage($"--command-config: file {file} does not exist");
            }

            config.LoadFile(file);
        }

        config.BootstrapServers = parse.GetValue(Bootstrap) ?? DefaultBootstrap;
        return config;
    }

    public OutputFormat Format(ParseResult parse) => parse.GetValue(Output);
}
