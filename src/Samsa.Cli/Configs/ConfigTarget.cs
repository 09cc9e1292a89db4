using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Client.Admin;

namespace Samsa.Cli.Configs;

/// <summary>The --topic / --broker / --broker-defaults options that name a config resource.</summary>
internal sealed class ConfigTarget
{
    public Option<string?> Topic { get; } = new("--topic", "-t") { Description = "A topic's configs" };

    public Option<int?> Broker { get; } = new("--broker") { Description = "A broker's configs, by id" };

    public Option<bool> BrokerDefaults { get; } = new("--broker-defaults") { Description = "The cluster-wide dynamic broker defaults" };

    public void AddTo(Command command)
    {
        command.Options.Add(Topic);
        command.Options.Add(Broker);
        command.Options.Add(BrokerDefaults);
    }

    public ConfigResource Resolve(ParseResult parse)
    {
        var topic = parse.GetValue(Topic);
        var broker = parse.GetValue(Broker);
        var defaults = parse.GetValue(BrokerDefaults);
        var given = (topic is null ? 0 : 1) + (broker is null ? 0 : 1) + (defaults ? 1 : 0);
        if (given != 1)
        {
            throw CliException.Usage("name exactly one of --topic NAME, --broker ID or --broker-defaults");
        }

        return topic is not null ? ConfigResource.Topic(topic)
            : broker is { } id ? ConfigResource.Broker(id)
            : ConfigResource.BrokerDefaults;
    }
}
