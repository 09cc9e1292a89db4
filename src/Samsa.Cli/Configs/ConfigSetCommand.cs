using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Configs;

/// <summary><c>samsa config set (--topic T | --broker N | --broker-defaults) key=value ...</c>.</summary>
internal static class ConfigSetCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("set", "Set configs of a topic or broker", withOutput: false);
        var target = new ConfigTarget();
        target.AddTo(command);
        var pairs = new Argument<string[]>("key=value") { Description = "Configs to set", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(pairs);
        Run.Action(command, async (parse, ct) =>
        {
            var resource = target.Resolve(parse);
            await using var admin = Admin.Create(options, parse);
            await ConfigChanges.ApplyAsync(admin, resource, parse.GetValue(pairs), null, ct);
            return 0;
        });
        return command;
    }
}
