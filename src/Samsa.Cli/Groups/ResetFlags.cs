using System.CommandLine;
using Samsa.Cli.Common;

namespace Samsa.Cli.Groups;

/// <summary>What to reset, where to, and whether to do it.</summary>
internal sealed record ResetRequest(IReadOnlyList<string> Topics, bool AllTopics, ResetStrategy Strategy, bool Execute);

/// <summary>The flags of reset-offsets, named as in Kafka's tool.</summary>
internal sealed class ResetFlags
{
    private readonly Option<string[]> _topics = new("--topic", "-t") { Description = "topic or topic:partition,partition; repeatable", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<bool> _allTopics = new("--all-topics") { Description = "Every topic the group has offsets for" };
    private readonly Option<bool> _earliest = new("--to-earliest") { Description = "To the log start" };
    private readonly Option<bool> _latest = new("--to-latest") { Description = "To the log end" };
    private readonly Option<bool> _current = new("--to-current") { Description = "To the committed offset (no change)" };
    private readonly Option<long?> _offset = new("--to-offset") { Description = "To this offset" };
    private readonly Option<long?> _shift = new("--shift-by") { Description = "Move the committed offset by N (negative: back)" };
    private readonly Option<string?> _datetime = new("--to-datetime") { Description = "To the first offset at or after YYYY-MM-DDTHH:mm:SS.sss" };
    private readonly Option<string?> _duration = new("--by-duration") { Description = "To the first offset at or after now minus an ISO-8601 duration (PT0H5M0S)" };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Only print the plan (the default)" };
    private readonly Option<bool> _execute = new("--execute") { Description = "Commit the new offsets" };

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[_topics, _allTopics, _earliest, _latest, _current, _offset, _shift, _datetime, _duration, _dryRun, _execute])
        {
            command.Options.Add(option);
        }
    }

    public string[] Topics(ParseResult parse) => parse.GetValue(_topics) ?? [];

    public bool AllTopics(ParseResult parse) => parse.GetValue(_allTopics);

    public bool DryRun(ParseResult parse) => parse.GetValue(_dryRun);

    public bool Execute(ParseResult parse) => parse.GetValue(_execute);

    /// <summary>Whether a strategy flag is given (kafka-consumer-groups' --from-file excludes them all).</summary>
    public bool AnyStrategy(ParseResult parse) =>
        parse.GetValue(_earliest) || parse.GetValue(_latest) || parse.GetValue(_current) || parse.GetValue(_offset) is not null
        || parse.GetValue(_shift) is not null || parse.GetValue(_datetime) is not null || parse.GetValue(_duration) is not null;

    public ResetRequest Read(ParseResult parse)
    {
        var topics = parse.GetValue(_topics) ?? [];
        var all = parse.GetValue(_allTopics);
        if (topics.Length == 0 == !all)
        {
            throw CliException.Usage("give --topic (repeatable) or --all-topics");
        }

        if (parse.GetValue(_dryRun) && parse.GetValue(_execute))
        {
            throw CliException.Usage("--dry-run and --execute exclude each other");
        }

        var strategy = ResetStrategy.Choose(
            parse.GetValue(_earliest), parse.GetValue(_latest), parse.GetValue(_current), parse.GetValue(_offset),
            parse.GetValue(_shift), parse.GetValue(_datetime), parse.GetValue(_duration), DateTimeOffset.UtcNow);
        return new ResetRequest(topics, all, strategy, parse.GetValue(_execute));
    }
}
