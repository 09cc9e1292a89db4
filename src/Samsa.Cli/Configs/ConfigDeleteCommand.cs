using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Configs;

/// <summary><c>samsa config delete (--topic T | --broker N | --broker-defaults) key ...</c>: back to the defaults.</summary>
internal static class ConfigDeleteCommand
{
    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("delete", "Return configs of a topic or broker to their defaults", withOutput: false);
        var target = new ConfigTarget();
        target.AddTo(command);
        var keys = new Argument<string[]>("key") { Description = "Config names", Arity = ArgumentArity.OneOrMore };
        command.Arguments.Add(keys);
        Run.Action(command, async (parse, ct) =>
        {
            var resource = target.Resolve(parse);
            await using var admin = Admin.Create(options, parse);
            await ConfigChanges.ApplyAsync(admin, resource, null, parse.GetValue(keys), ct);
            return 0;
        });
        return command;
    }
}
