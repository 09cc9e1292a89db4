using System.CommandLine;
using Samsa.Bench.Compare.Reporting;

namespace Samsa.Bench.Compare.Commands;

/// <summary><c>report</c>: turns one run folder into bench/results/&lt;date&gt;.md and the README summary.</summary>
internal static class ReportCommand
{
    private const string Begin = "<!-- peer-comparison:summary:begin (written by bench/compare.sh) -->";
    private const string End = "<!-- peer-comparison:summary:end -->";
    private const string Section = "## Peer comparison";

    public static Command Create()
    {
        var folder = new Option<string>("--run-dir") { Description = "the folder compare.sh wrote", Required = true };
        var output = new Option<string>("--out") { Description = "the results file, e.g. bench/results/2026-11-23.md", Required = true };
        var readme = new Option<string?>("--readme") { Description = "bench/README.md, whose '## Peer comparison' summary is replaced" };
        var title = new Option<string>("--title") { Description = "heading of the results file", DefaultValueFactory = _ => "Peer comparison" };
        var invocation = new Option<string>("--command") { Description = "the command line that produced the run", DefaultValueFactory = _ => "bench/compare.sh" };
        var comparison = new Option<string?>("--comparison") { Description = "docs/comparison.md, whose measured table (between its markers) is replaced" };
        var samsa = new Option<string>("--samsa-key") { Description = "result key of Samsa's run with the harness's Kafka driver (Confluent.Kafka); the ratios use it", DefaultValueFactory = _ => "samsa" };
        var samsaPerf = new Option<string>("--samsa-perf-key") { Description = "result key of Samsa's run with `samsa perf` (the samsa-perf command)", DefaultValueFactory = _ => "samsa-perf" };
        var command = new Command("report", "Write the results markdown and the README summary from a run folder")
        {
            folder, output, readme, title, invocation, samsa, samsaPerf, comparison,
        };
        command.SetAction(async (parse, ct) =>
        {
            var run = await RunFolder.LoadAsync(parse.GetValue(folder)!);
            var report = new MarkdownReport(run, parse.GetValue(title)!, parse.GetValue(invocation)!, parse.GetValue(samsa)!, parse.GetValue(samsaPerf)!);
            var outPath = parse.GetValue(output)!;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            await File.WriteAllTextAsync(outPath, report.Results(), ct);
            await Console.Error.WriteLineAsync($"wrote {outPath}");
            if (parse.GetValue(readme) is { } readmePath)
            {
                var link = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(readmePath))!, Path.GetFullPath(outPath));
                await UpdateReadmeAsync(readmePath, report.Summary(link), ct);
                await Console.Error.WriteLineAsync($"updated the summary in {readmePath}");
            }

            if (parse.GetValue(comparison) is { } comparisonPath && File.Exists(comparisonPath))
            {
                var text = await File.ReadAllTextAsync(comparisonPath, ct);
                var replaced = ReplaceBetween(text, "<!-- comparison:measured:begin -->", "<!-- comparison:measured:end -->", report.ComparisonTable());
                if (replaced is not null)
                {
                    await File.WriteAllTextAsync(comparisonPath, replaced, ct);
                    await Console.Error.WriteLineAsync($"updated the measured table in {comparisonPath}");
                }
            }

            return 0;
        });
        return command;
    }

    private static string? ReplaceBetween(string text, string begin, string end, string content)
    {
        var b = text.IndexOf(begin, StringComparison.Ordinal);
        var e = text.IndexOf(end, StringComparison.Ordinal);
        return b < 0 || e < b ? null : string.Concat(text.AsSpan(0, b + begin.Length), "\n", content, text.AsSpan(e));
    }

    /// <summary>Replaces only the marked summary inside this section; other sections of the file are left as they are.</summary>
    internal static async Task UpdateReadmeAsync(string path, string summary, CancellationToken ct)
    {
        var block = $"{Begin}\n{summary}{End}";
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path, ct) : "# Benchmarks\n";
        var begin = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (begin >= 0 && end > begin)
        {
            text = string.Concat(text.AsSpan(0, begin), block, text.AsSpan(end + End.Length));
        }
        else if (text.IndexOf(Section, StringComparison.Ordinal) is var at and >= 0)
        {
            var next = text.IndexOf("\n## ", at + Section.Length, StringComparison.Ordinal);
            var insertAt = next < 0 ? text.Length : next + 1;
            var prefix = text[..insertAt].TrimEnd('\n');
            text = $"{prefix}\n\n{block}\n{(next < 0 ? string.Empty : "\n")}{text[insertAt..]}";
        }
        else
        {
            text = $"{text.TrimEnd('\n')}\n\n{Section}\n\n{block}\n";
        }

        await File.WriteAllTextAsync(path, text, ct);
    }
}
