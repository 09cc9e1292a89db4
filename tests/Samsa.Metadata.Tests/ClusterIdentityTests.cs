using Samsa.Metadata.Identity;

namespace Samsa.Metadata.Tests;

public sealed class ClusterIdentityTests
{
    [Fact]
    public void First_start_formats_every_dir_and_later_starts_keep_the_ids()
    {
        using var root = new TempDirectory();
        string[] dirs = [Path.Combine(root.Path, "a"), Path.Combine(root.Path, "b")];

        var first = ClusterIdentity.Load(dirs, 1);
        var second = ClusterIdentity.Load(dirs, 1);

        Assert.True(first.Formatted);
        Assert.False(second.Formatted);
        Assert.Equal(first.ClusterId, second.ClusterId);
        Assert.Equal(22, first.ClusterId.Length);
        Assert.Equal(first.DirectoryIds, second.DirectoryIds);
        Assert.NotEqual(first.DirectoryIds[dirs[0]], first.DirectoryIds[dirs[1]]);
        var text = File.ReadAllText(Path.Combine(dirs[0], "meta.properties"));
        Assert.Contains("version=1", text, StringComparison.Ordinal);
        Assert.Contains("node.id=1", text, StringComparison.Ordinal);
        Assert.Contains($"cluster.id={first.ClusterId}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dir_of_another_node_stops_the_start_with_what_to_do()
    {
        using var root = new TempDirectory();
        ClusterIdentity.Load([root.Path], 1);

        var error = Assert.Throws<MetaPropertiesException>(() => ClusterIdentity.Load([root.Path], 2));

        Assert.Contains("belongs to node 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("node.id=2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dirs_of_different_clusters_stop_the_start()
    {
        using var root = new TempDirectory();
        string a = Path.Combine(root.Path, "a"), b = Path.Combine(root.Path, "b");
        ClusterIdentity.Load([a], 1);
        ClusterIdentity.Load([b], 1);

        var error = Assert.Throws<MetaPropertiesException>(() => ClusterIdentity.Load([a, b], 1));

        Assert.Contains("different clusters", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_dir_joins_the_cluster_of_the_existing_ones()
    {
        using var root = new TempDirectory();
        string a = Path.Combine(root.Path, "a"), b = Path.Combine(root.Path, "b");
        var first = ClusterIdentity.Load([a], 1);

        var both = ClusterIdentity.Load([a, b], 1);

        Assert.Equal(first.ClusterId, both.ClusterId);
        Assert.Equal(first.ClusterId, MetaProperties.Read(b)!.ClusterId);
    }

    [Fact]
    public void An_unreadable_meta_properties_is_an_error()
    {
        using var root = new TempDirectory();
        File.WriteAllText(Path.Combine(root.Path, "meta.properties"), "version=0\nbroker.id=1\n");

        var error = Assert.Throws<MetaPropertiesException>(() => ClusterIdentity.Load([root.Path], 1));

        Assert.Contains("only version 1", error.Message, StringComparison.Ordinal);
    }
}
