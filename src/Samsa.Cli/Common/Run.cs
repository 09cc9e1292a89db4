using System.CommandLine;
using System.CommandLine.Parsing;
using Samsa.Client.Errors;
using Samsa.Protocol.Errors;

namespace Samsa.Cli.Common;

/// <summary>
/// Runs a command's body and turns failures into one line on standard error and a non-zero exit code; the stack trace
/// only with --verbose.
/// </summary>
internal static class Run
{
    public static Option<bool> Verbose { get; } = new("--verbose", "-v")
    {
        Description = "Print stack traces of failures",
        Recursive = true,
    };

    public static void Action(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction((parse, ct) => GuardAsync(parse, body, ct));

    private static async Task<int> GuardAsync(ParseResult parse, Func<ParseResult, CancellationToken, Task<int>> body, CancellationToken ct)
    {
        try
        {
            return await body(parse, ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var (message, code) = Describe(e);
            await Console.Error.WriteLineAsync($"{CommandPath(parse)}: {message}");
            if (parse.GetValue(Verbose))
            {
                await Console.Error.WriteLineAsync(e.ToString());
            }

            return code;
        }
    }

    /// <summary>"samsa topic create" for the command being run.</summary>
    public static string CommandPath(ParseResult parse)
    {
        var names = new Stack<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as CommandResult)
        {
            names.Push(result.Command.Name);
        }

        return string.Join(' ', ["samsa", .. names]);
    }

    /// <summary>What went wrong, and what to do about it.</summary>
    public static (string Message, int ExitCode) Describe(Exception e) => e switch
    {
        CliException cli => (cli.Message, cli.ExitCode),
        AggregateException { InnerExceptions.Count: 1 } one => Describe(one.InnerExceptions[0]),
        AggregateException many => (string.Join("; ", many.InnerExceptions.Select(i => Describe(i).Message)), 1),
        BrokerConnectionException c => ($"cannot reach the cluster ({c.Message}); check --bootstrap-server and that a broker is running there", 3),
        KafkaTimeoutException t => ($"timed out ({t.Message}); check that the brokers are up, or raise default.api.timeout.ms with --command-config", 3),
        KafkaBrokerException b => (Broker(b), 1),
        ClientConfigException c => ($"bad client setting: {c.Message}", CliException.UsageExitCode),
        UnsupportedApiException u => ($"{u.Message}; the broker does not support this operation", 1),
        OperationCanceledException => ("cancelled", 130),
        IOException io => (io.Message, 1),
        _ => ($"unexpected error: {e.GetType().Name}: {e.Message} (run with --verbose for details)", 1),
    };

    private static string Broker(KafkaBrokerException b)
    {
        var what = b.Resource is null ? string.Empty : $"{b.Resource}: ";
        var detail = string.IsNullOrEmpty(b.BrokerMessage) ? string.Empty : $" ({b.BrokerMessage})";
        var hint = b.ErrorCode switch
        {
            ErrorCode.UnknownTopicOrPartition => "; list topics with 'samsa topic list'",
            ErrorCode.TopicAlreadyExists => "; pick another name or describe it with 'samsa topic describe'",
            ErrorCode.GroupIdNotFound => "; list groups with 'samsa group list'",
            ErrorCode.NonEmptyGroup => "; stop the group's consumers first",
            ErrorCode.InvalidConfig or ErrorCode.InvalidRequest or ErrorCode.InvalidPartitions or ErrorCode.InvalidReplicationFactor => "; fix the value and try again",
            ErrorCode.UnsupportedVersion => "; the broker does not support this operation",
            _ => string.Empty,
        };
        return $"{what}{b.ErrorName}{detail}{hint}";
    }
}
