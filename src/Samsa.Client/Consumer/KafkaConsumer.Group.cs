using System.Diagnostics;
using Samsa.Client.Consumer.Group;
using Samsa.Client.Errors;

namespace Samsa.Client.Consumer;

public sealed partial class KafkaConsumer
{
    private ClassicGroupMember? _group;
    private IReadOnlyList<string> _topics = [];
    private long _nextAutoCommit;

    /// <summary>This member's id in its group (empty before it joined), or null without <see cref="Subscribe"/>.</summary>
    public string? MemberId => _group?.MemberId;

    /// <summary>The group generation this member belongs to (-1 before it joined).</summary>
    public int GenerationId => _group?.GenerationId ?? -1;

    /// <summary>
    /// Joins group <c>group.id</c> with the classic protocol (range assignor) subscribed to <paramref name="topics"/>.
    /// The join happens in the next consume; assigned partitions start at the group's committed offsets, else per
    /// <c>auto.offset.reset</c>. With <c>enable.auto.commit</c>, positions are committed every
    /// <c>auto.commit.interval.ms</c>, before each rebalance and on dispose.
    /// </summary>
    public void Subscribe(IEnumerable<string> topics)
    {
        if (string.IsNullOrEmpty(_config.GroupId))
        {
            throw new ClientConfigException("subscribing needs group.id");
        }

        _topics = [.. topics.Distinct(StringComparer.Ordinal)];
        _metadata.Track(_topics);
        _group ??= new ClassicGroupMember(_config.GroupId, _config, _pool, _metadata);
    }

    /// <summary>Commits the current position of every assigned partition as the group's offset.</summary>
    public Task CommitAsync(CancellationToken ct = default) => CommitAsync(Positions(), ct);

    /// <summary>Commits <paramref name="offsets"/> (the next offsets to read) for the group, as its member.</summary>
    public Task CommitAsync(IReadOnlyDictionary<TopicPartition, long> offsets, CancellationToken ct = default)
    {
        var group = _group ?? throw new InvalidOperationException("commit needs a group member: call Subscribe first");
        return group.CommitAsync(offsets, ct);
    }

    private Dictionary<TopicPartition, long> Positions()
    {
        var offsets = new Dictionary<TopicPartition, long>();
        foreach (var tp in Assignment)
        {
            if (Position(tp) is { } position)
            {
                offsets[tp] = position;
            }
        }

        return offsets;
    }

    private async ValueTask PollGroupAsync(CancellationToken ct)
    {
        if (_group!.NeedsRejoin)
        {
            await RejoinAsync(ct).ConfigureAwait(false);
        }
        else if (_config.EnableAutoCommit && Stopwatch.GetTimestamp() >= _nextAutoCommit)
        {
            await AutoCommitAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task RejoinAsync(CancellationToken ct)
    {
        var group = _group!;
        if (group.GenerationId >= 0)
        {
            await AutoCommitAsync(ct).ConfigureAwait(false);
        }

        var assigned = await group.JoinAsync(_topics, ct).ConfigureAwait(false);
        Assign(assigned);
        foreach (var (tp, offset) in await group.FetchCommittedAsync(assigned.ToList(), ct).ConfigureAwait(false))
        {
            Seek(tp, offset);
        }

        _nextAutoCommit = Stopwatch.GetTimestamp() + ((long)_config.AutoCommitIntervalMs * Stopwatch.Frequency / 1000);
    }

    /// <summary>An automatic commit that fails is retried at the next one (as Kafka's consumer does), not thrown.</summary>
    private async Task AutoCommitAsync(CancellationToken ct)
    {
        _nextAutoCommit = Stopwatch.GetTimestamp() + ((long)_config.AutoCommitIntervalMs * Stopwatch.Frequency / 1000);
        if (!_config.EnableAutoCommit)
        {
            return;
        }

        try
        {
            await _group!.CommitAsync(Positions(), ct).ConfigureAwait(false);
        }
        catch (KafkaClientException)
        {
        }
    }

    private async Task CloseGroupAsync()
    {
        if (_group is not { } group)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_config.RequestTimeoutMs);
        try
        {
            if (!group.NeedsRejoin)
            {
                await AutoCommitAsync(timeout.Token).ConfigureAwait(false);
            }

            await group.LeaveAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await group.DisposeAsync().ConfigureAwait(false);
    }
}
