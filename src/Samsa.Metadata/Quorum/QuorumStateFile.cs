using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Samsa.Storage.Files;

namespace Samsa.Metadata.Quorum;

/// <summary>
/// <c>quorum-state</c> in the metadata log directory: the epoch this node last knew and whom it followed or voted
/// for, in Kafka's JSON layout (data_version 0), so the epoch never goes back after a restart.
/// </summary>
internal static partial class QuorumStateFile
{
    public const string FileName = "quorum-state";

    public static int ReadEpoch(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return -1;
        }

        // A small hand parser: System.Text.Json would cost start-up far more than this file is worth.
        var text = File.ReadAllText(path);
        var match = EpochPattern().Match(text);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch)
            ? epoch
            : throw new InvalidDataException($"{path} is not a valid quorum-state file: no leaderEpoch");
    }

    public static void Write(string directory, int leaderId, int epoch, IReadOnlyList<int> voters)
    {
        var c = CultureInfo.InvariantCulture;
        var state = string.Create(c, $"{{\"leaderId\":{leaderId},\"leaderEpoch\":{epoch},\"votedId\":-1,\"appliedOffset\":0,\"currentVoters\":[{string.Join(',', voters.Select(v => string.Create(c, $"{{\"voterId\":{v}}}")))}],\"data_version\":0}}");
        var path = Path.Combine(directory, FileName);
        var tmp = path + ".tmp";
        using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, Encoding.UTF8.GetBytes(state), 0);
            NativeFile.Fsync(handle);
        }

        File.Move(tmp, path, overwrite: true);
        NativeFile.FsyncDirectory(directory);
    }

    [GeneratedRegex("\"leaderEpoch\"\\s*:\\s*(-?[0-9]+)")]
    private static partial Regex EpochPattern();
}
