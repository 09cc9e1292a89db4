using System.Globalization;
using System.Text;
using Samsa.Storage.Files;

namespace Samsa.Storage.Checkpoints;

/// <summary>
/// Kafka's checkpoint text format: a version line (0), a count line, then one entry per line with
/// space-separated fields. Written to a temp file, fsynced, renamed over the old one, and the
/// directory fsynced, so a crash leaves either the old or the new file.
/// </summary>
internal static class CheckpointFile
{
    public const int Version = 0;

    public static void Write(string path, IReadOnlyCollection<string> lines)
    {
        var text = new StringBuilder();
        text.Append(Version.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append(lines.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        var tmp = path + ".tmp";
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, bytes, 0);
            NativeFile.Fsync(handle);
        }

        File.Move(tmp, path, overwrite: true);
        NativeFile.FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>The entry lines, or null when the file does not exist.</summary>
    /// <exception cref="InvalidDataException">The file does not follow the format.</exception>
    public static List<string[]>? Read(string path, int fieldsPerLine)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        var lines = File.ReadAllLines(path);
        if (lines.Length < 2 || lines[0].Trim() != "0")
        {
            throw new InvalidDataException($"{path}: unrecognized checkpoint version or empty file");
        }

        if (!int.TryParse(lines[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || lines.Length < 2 + count)
        {
            throw new InvalidDataException($"{path}: bad entry count");
        }

        var entries = new List<string[]>(count);
        for (var i = 0; i < count; i++)
        {
            var fields = lines[2 + i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != fieldsPerLine)
            {
                throw new InvalidDataException($"{path}: line {3 + i} has {fields.Length} fields, expected {fieldsPerLine}");
            }

            entries.Add(fields);
        }

        return entries;
    }

    public static long ParseLong(string path, string field) =>
        long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidDataException($"{path}: '{field}' is not a number");
}

/// <summary>
/// Per-log-dir <c>recovery-point-offset-checkpoint</c> and <c>log-start-offset-checkpoint</c>
/// (<c>topic partition offset</c> lines); the broker can use it for <c>replication-offset-checkpoint</c> too.
/// </summary>
public static class OffsetCheckpointFile
{
    public const string RecoveryPointFileName = "recovery-point-offset-checkpoint";
    public const string LogStartOffsetFileName = "log-start-offset-checkpoint";
    public const string ReplicationOffsetFileName = "replication-offset-checkpoint";

    public static void Write(string path, IEnumerable<KeyValuePair<TopicPartition, long>> offsets)
    {
        var lines = new List<string>();
        foreach (var (tp, offset) in offsets)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{tp.Topic} {tp.Partition} {offset}"));
        }

        CheckpointFile.Write(path, lines);
    }

    /// <summary>The offsets in the file; empty when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is malformed.</exception>
    public static Dictionary<TopicPartition, long> Read(string path)
    {
        var result = new Dictionary<TopicPartition, long>();
        var entries = CheckpointFile.Read(path, 3);
        if (entries is null)
        {
            return result;
        }

        foreach (var fields in entries)
        {
            var partition = CheckpointFile.ParseLong(path, fields[1]);
            result[new TopicPartition(fields[0], checked((int)partition))] = CheckpointFile.ParseLong(path, fields[2]);
        }

        return result;
    }
}
