using System.CommandLine;
using Samsa.Cli.Common;
using Samsa.Cli.Groups;
using Samsa.Client.Admin;
using Samsa.Client.Configuration;

namespace Samsa.Cli.Compat;

/// <summary>
/// <c>kafka-consumer-groups.sh</c>: --list, --describe (--offsets, --members, --state, --verbose), --reset-offsets
/// (every strategy, --from-file, --export), --delete, --delete-offsets. As in Kafka, what happens to a group (it does
/// not exist, is active, could not be deleted) is reported in the output and the exit code stays 0; bad flags are
/// usage errors.
/// </summary>
internal static class KafkaConsumerGroupsTool
{
    // The line scripts look for; Kafka's tool goes on about future defaults, which are not Samsa's to announce.
    private const string ResetWarning = "WARN: No action will be performed as the --execute option is missing. Add --dry-run to say so explicitly.";

    public static Command Create()
    {
        var (command, options) = ClientOptions.Command("kafka-consumer-groups", "kafka-consumer-groups.sh", withOutput: false);
        var list = KafkaTools.Flag("list", "List consumer groups");
        var describe = KafkaTools.Flag("describe", "Describe groups: offsets and lag (the default), --members or --state; more columns with --verbose");
        var reset = KafkaTools.Flag("reset-offsets", "Reset offsets of inactive groups: a plan (--dry-run, the default) or --execute; --export prints it as CSV");
        var delete = KafkaTools.Flag("delete", "Delete groups (--group, repeatable, or --all-groups)");
        var deleteOffsets = KafkaTools.Flag("delete-offsets", "Delete a group's offsets for --topic t or t:0,1");
        var group = new Option<string[]>("--group") { Description = "Group id; repeatable", Arity = ArgumentArity.ZeroOrMore };
        var allGroups = KafkaTools.Flag("all-groups", "Every consumer group");
        var members = KafkaTools.Flag("members", "With --describe: the members");
        var state = new Option<string?>("--state") { Description = "With --describe: the group's state; with --list: a STATE column, optionally only these states (stable,empty)", Arity = ArgumentArity.ZeroOrOne };
        var type = new Option<string?>("--type") { Description = "With --list: a TYPE column, optionally only these types (classic,consumer)", Arity = ArgumentArity.ZeroOrOne };
        var offsets = KafkaTools.Flag("offsets", "With --describe: offsets and lag (the default)");
        var timeout = new Option<long?>("--timeout") { Description = "Milliseconds each admin call may take (the group's state, offsets, ...); default 15000, where Kafka's is 5000" };
        var fromFile = new Option<string?>("--from-file") { Description = "Reset to the offsets in a CSV file: topic,partition,offset (or group,topic,partition,offset)" };
        var export = KafkaTools.Flag("export", "With --reset-offsets: print the plan as CSV for --from-file instead of a table");
        var validateRegex = new Option<string?>("--validate-regex") { Description = "Check a subscription regex as Samsa's broker compiles it (.NET syntax, whole topic name), not Kafka's RE2" };
        var resetFlags = new ResetFlags();
        foreach (var option in (Option[])[list, describe, reset, delete, deleteOffsets, group, allGroups, members, state, type, offsets, timeout, fromFile, export, validateRegex])
        {
            command.Options.Add(option);
        }

        resetFlags.AddTo(command);
        Run.Action(command, async (parse, ct) =>
        {
            (Option<bool>, string)[] actions = [(list, "list"), (describe, "describe"), (reset, "reset-offsets"), (delete, "delete"), (deleteOffsets, "delete-offsets")];
            if (parse.GetValue(validateRegex) is { } regex)
            {
                Console.Out.WriteLine(actions.Any(a => parse.GetValue(a.Item1))
                    ? throw CliException.Usage("give exactly one of --list, --describe, --reset-offsets, --delete, --delete-offsets, --validate-regex")
                    : ValidateRegex(regex));
                return 0;
            }

            var action = KafkaTools.Action(parse, actions);
            var named = parse.GetValue(group) ?? [];
            var all = parse.GetValue(allGroups);
            CheckScope(action, named, all, resetFlags.Topics(parse).Length > 0);
            var given = (Option o) => parse.GetResult(o) is { Implicit: false };
            CheckSubActions(action, given(members), given(offsets), given(state), parse.GetValue(state), given(type));
            var resetRequest = action == "reset-offsets" ? ResetRequestOf(parse, resetFlags, parse.GetValue(fromFile), parse.GetValue(export), named) : null;
            await using var admin = CreateAdmin(options, parse, parse.GetValue(timeout));
            IReadOnlyList<string> groups = all ? [.. (await ConsumerGroupsListAndDelete.ConsumerGroupsAsync(admin, ct)).Select(g => g.GroupId)] : named;
            switch (action)
            {
                case "list":
                    await ConsumerGroupsListAndDelete.ListAsync(admin, (given(state), parse.GetValue(state)), (given(type), parse.GetValue(type)), ct);
                    break;
                case "describe":
                    var view = parse.GetValue(members) ? "members" : given(state) ? "state" : "offsets";
                    await ConsumerGroupsDescribe.RunAsync(admin, groups, view, parse.GetValue(Run.Verbose), ct);
                    break;
                case "reset-offsets":
                    await ConsumerGroupsReset.RunAsync(admin, resetRequest! with { Groups = groups }, ct);
                    break;
                case "delete":
                    await ConsumerGroupsListAndDelete.DeleteAsync(admin, groups, ct);
                    break;
                default:
                    await ConsumerGroupsListAndDelete.DeleteOffsetsAsync(admin, named[0], resetFlags.Topics(parse), ct);
                    break;
            }

            return 0;
        });
        return command;
    }

    /// <summary>Kafka's verdict lines, for the .NET regex engine the broker matches subscriptions with.</summary>
    private static string ValidateRegex(string pattern)
    {
        try
        {
            _ = new System.Text.RegularExpressions.Regex(pattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            return $"The regular expression `{pattern}` is valid.";
        }
        catch (System.Text.RegularExpressions.RegexParseException e)
        {
            return $"The regular expression `{pattern}` is invalid: {e.Error} at position {e.Offset}.";
        }
    }

    private static KafkaAdminClient CreateAdmin(ClientOptions options, ParseResult parse, long? timeoutMs)
    {
        var config = options.Config<AdminClientConfig>(parse);
        if (timeoutMs is { } ms)
        {
            config.DefaultApiTimeoutMs = ms is > 0 and <= int.MaxValue ? (int)ms : throw CliException.Usage($"--timeout: {ms} is not a positive number of milliseconds");
            config.RequestTimeoutMs = Math.Min(config.RequestTimeoutMs, config.DefaultApiTimeoutMs);
        }

        return new KafkaAdminClient(config);
    }

    /// <summary>Which groups and topics each action takes, with Kafka's messages.</summary>
    private static void CheckScope(string action, string[] named, bool all, bool topics)
    {
        if (named.Length > 0 && all)
        {
            throw CliException.Usage("Option \"[group]\" can't be used with option \"[all-groups]\"");
        }

        if (action == "list" && (named.Length > 0 || all))
        {
            throw CliException.Usage($"Option \"[{(all ? "all-groups" : "group")}]\" can't be used with option \"[list]\"");
        }

        if (action is "describe" or "delete" or "reset-offsets" && named.Length == 0 && !all)
        {
            throw CliException.Usage($"Option [{action}] takes one of these options: [all-groups], [group]");
        }

        if (action == "delete" && topics)
        {
            throw CliException.Usage("The consumer does not support topic-specific offset deletion from a consumer group.");
        }

        if (action == "delete-offsets" && (named.Length == 0 || all || !topics))
        {
            throw CliException.Usage("Option [delete-offsets] takes the following options: [group], [topic]");
        }

        if (action == "describe" && topics)
        {
            throw CliException.Usage("Option \"[topic]\" can't be used with option \"[describe]\"");
        }
    }

    private static void CheckSubActions(string action, bool members, bool offsets, bool state, string? stateValue, bool type)
    {
        if ((members || offsets) && action != "describe")
        {
            throw CliException.Usage($"Option [{(members ? "members" : "offsets")}] can only be used with [describe]");
        }

        if ((state && action is not ("describe" or "list")) || (type && action != "list"))
        {
            throw CliException.Usage(type && action != "list" ? "Option [type] can only be used with [list]" : "Option [state] can only be used with [describe] or [list]");
        }

        if (action == "describe" && (members ? 1 : 0) + (offsets ? 1 : 0) + (state ? 1 : 0) > 1)
        {
            throw CliException.Usage("Option [describe] takes at most one of these options: [members], [offsets], [state]");
        }

        if (action == "describe" && stateValue is not null)
        {
            throw CliException.Usage("Option [describe] does not take a value for [state]");
        }
    }

    /// <summary>The reset asked for, checked before connecting; its groups are filled in once --all-groups is listed.</summary>
    private static KafkaResetRequest ResetRequestOf(ParseResult parse, ResetFlags flags, string? fromFile, bool export, string[] named)
    {
        if (flags.DryRun(parse) && flags.Execute(parse))
        {
            throw CliException.Usage("Option [reset-offsets] only accepts one of [execute] and [dry-run]");
        }

        if (!flags.DryRun(parse) && !flags.Execute(parse))
        {
            Console.Error.WriteLine(ResetWarning);
        }

        if (fromFile is not null)
        {
            return flags.AnyStrategy(parse)
                ? throw CliException.Usage("Option [from-file] can't be used with another reset scenario (--to-earliest, --to-latest, --to-current, --to-offset, --shift-by, --to-datetime, --by-duration)")
                : new KafkaResetRequest(named, named.Length == 1, null, ConsumerGroupsReset.ParsePlan(fromFile, named), flags.Execute(parse), export);
        }

        if (flags.Topics(parse).Length == 0 && !flags.AllTopics(parse))
        {
            throw CliException.Usage("One of the reset scopes should be defined: --all-topics, --topic.");
        }

        return new KafkaResetRequest(named, named.Length == 1, flags.Read(parse), null, flags.Execute(parse), export);
    }
}
