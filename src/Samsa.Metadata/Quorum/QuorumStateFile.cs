using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Samsa.Storage.Files;

namespace Samsa.Metadata.Quorum;

/// <summary>
/// <c>quorum-state</c> in the metadata log directory: the epoch this node last knew and whom it followed or voted
/// for, in Kafka's JSON layout (data_version 0), so the epoch never goes back after a restart.
/// </summary>
internal static class QuorumStateFile
{
    public const string FileName = "quorum-state";

    public static int ReadEpoch(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return -1;
        }

        try
        {
            var node = JsonNode.Parse(File.ReadAllText(path));
            return node?["leaderEpoch"]?.GetValue<int>() ?? -1;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is not a valid quorum-state file: {e.Message}", e);
        }
    }

    public static void Write(string directory, int leaderId, int epoch, IReadOnlyList<int> voters)
    {
        var state = new JsonObject
        {
            ["leaderId"] = leaderId,
            ["leaderEpoch"] = epoch,
            ["votedId"] = -1,
            ["appliedOffset"] = 0,
            ["currentVoters"] = new JsonArray([.. voters.Select(v => (JsonNode)new JsonObject { ["voterId"] = v })]),
            ["data_version"] = 0,
        };
        var path = Path.Combine(directory, FileName);
        var tmp = path + ".tmp";
        using (var handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            RandomAccess.Write(handle, Encoding.UTF8.GetBytes(state.ToJsonString()), 0);
            NativeFile.Fsync(handle);
        }

        File.Move(tmp, path, overwrite: true);
        NativeFile.FsyncDirectory(directory);
    }
}
