using System.Diagnostics;
using Samsa.Client.Configuration;
using Samsa.Client.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Network;

/// <summary>
/// One connection per broker, opened on first use and reopened (after <c>reconnect.backoff.ms</c>, growing to
/// <c>reconnect.backoff.max.ms</c>) when it fails. Broker addresses come from the bootstrap list until metadata
/// names the brokers by node id.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Slot> _nodes = [];
    private readonly Dictionary<BrokerAddress, Slot> _bootstrap = [];
    private readonly Dictionary<int, BrokerAddress> _addresses = [];
    private readonly Backoff _reconnect;
    private bool _disposed;

    public ConnectionPool(ClientConfig config)
    {
        Config = config;
        Settings = ConnectionSettings.From(config);
        BootstrapAddresses = BrokerAddress.ParseList(config.BootstrapServers);
        _reconnect = new Backoff(config.ReconnectBackoffMs, config.ReconnectBackoffMaxMs);
    }

    public ClientConfig Config { get; }

    public ConnectionSettings Settings { get; }

    public IReadOnlyList<BrokerAddress> BootstrapAddresses { get; }

    /// <summary>Records where each broker is, from the latest metadata.</summary>
    public void UpdateAddresses(IEnumerable<KeyValuePair<int, BrokerAddress>> brokers)
    {
        lock (_lock)
        {
            foreach (var (id, address) in brokers)
            {
                if (_addresses.TryGetValue(id, out var old) && old != address && _nodes.Remove(id, out var stale))
                {
                    stale.CloseLater();
                }

                _addresses[id] = address;
            }
        }
    }

    public bool TryGetAddress(int nodeId, out BrokerAddress address)
    {
        lock (_lock)
        {
            return _addresses.TryGetValue(nodeId, out address);
        }
    }

    /// <summary>The connection to broker <paramref name="nodeId"/> if it is open now; otherwise starts opening it and returns false.</summary>
    public bool TryGetOpen(int nodeId, out BrokerConnection connection, Action? whenOpened = null)
    {
        Slot? slot;
        lock (_lock)
        {
            _nodes.TryGetValue(nodeId, out slot);
        }

        if (slot is not null && slot.TryGetOpen(out connection))
        {
            return true;
        }

        connection = null!;
        _ = OpenInBackgroundAsync(nodeId, whenOpened);
        return false;
    }

    private async Task OpenInBackgroundAsync(int nodeId, Action? whenOpened)
    {
        try
        {
            await GetAsync(nodeId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The caller sees the failure on its next attempt.
        }

        whenOpened?.Invoke();
    }

    /// <summary>The connection to broker <paramref name="nodeId"/>, opening it if needed.</summary>
    public Task<BrokerConnection> GetAsync(int nodeId, CancellationToken ct)
    {
        Slot slot;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_addresses.TryGetValue(nodeId, out var address))
            {
                throw new BrokerConnectionException($"broker id {nodeId} is not in the cluster metadata");
            }

            if (!_nodes.TryGetValue(nodeId, out slot!))
            {
                slot = new Slot(address, nodeId, this);
                _nodes[nodeId] = slot;
            }
        }

        return slot.GetAsync(ct);
    }

    /// <summary>
    /// Some live connection: an open one if any, else the known brokers and then the bootstrap addresses in turn.
    /// When none answers, the error lists why for each.
    /// </summary>
    public async Task<BrokerConnection> GetAnyAsync(CancellationToken ct)
    {
        List<Slot> candidates;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            foreach (var slot in _nodes.Values)
            {
                if (slot.TryGetOpen(out var open))
                {
                    return open;
                }
            }

            foreach (var slot in _bootstrap.Values)
            {
                if (slot.TryGetOpen(out var open))
                {
                    return open;
                }
            }

            candidates = [];
            foreach (var (id, address) in _addresses)
            {
                if (!_nodes.TryGetValue(id, out var slot))
                {
                    slot = new Slot(address, id, this);
                    _nodes[id] = slot;
                }

                candidates.Add(slot);
            }

            foreach (var address in BootstrapAddresses)
            {
                if (!_bootstrap.TryGetValue(address, out var slot))
                {
                    slot = new Slot(address, -1, this);
                    _bootstrap[address] = slot;
                }

                candidates.Add(slot);
            }
        }

        var errors = new List<Exception>();
        foreach (var slot in candidates)
        {
            try
            {
                return await slot.GetAsync(ct).ConfigureAwait(false);
            }
            catch (BrokerConnectionException e)
            {
                errors.Add(e);
            }
        }

        if (errors.Count == 1)
        {
            throw errors[0];
        }

        throw new BrokerConnectionException(
            $"cannot reach any broker: {string.Join("; ", errors.Select(e => e.Message))}",
            new AggregateException(errors));
    }

    /// <summary>Picks a version of <paramref name="key"/> the broker supports, builds the request for it and sends it.</summary>
    public static Task<T> SendAsync<T>(
        BrokerConnection connection,
        ApiKey key,
        Func<short, IRequestMessage> build,
        CancellationToken ct,
        short maxVersion = short.MaxValue,
        short minVersion = 0,
        int? timeoutMs = null)
        where T : class, IResponseMessage
    {
        var version = connection.Versions.Pick(key, connection.Name, maxVersion, minVersion);
        return connection.SendAsync<T>(build(version), version, ct, timeoutMs);
    }

    public async ValueTask DisposeAsync()
    {
        List<Slot> slots;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            slots = [.. _nodes.Values, .. _bootstrap.Values];
            _nodes.Clear();
            _bootstrap.Clear();
        }

        foreach (var slot in slots)
        {
            await slot.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The connection to one address: the current attempt or open connection, and the failures since the last success.</summary>
    private sealed class Slot(BrokerAddress address, int nodeId, ConnectionPool pool) : IAsyncDisposable
    {
        private readonly Lock _lock = new();
        private Task<BrokerConnection>? _current;
        private int _failures;
        private long _lastFailure;

        public bool TryGetOpen(out BrokerConnection connection)
        {
            lock (_lock)
            {
                if (_current is { IsCompletedSuccessfully: true } task && task.Result.IsAlive)
                {
                    connection = task.Result;
                    return true;
                }
            }

            connection = null!;
            return false;
        }

        public Task<BrokerConnection> GetAsync(CancellationToken ct)
        {
            lock (_lock)
            {
                if (_current is { } task && (!task.IsCompleted || (task.IsCompletedSuccessfully && task.Result.IsAlive)))
                {
                    return task.IsCompleted ? task : task.WaitAsync(ct);
                }

                if (_current is { IsCompletedSuccessfully: true } dead)
                {
                    dead.Result.DisposeInBackground();
                }

                var delay = TimeSpan.Zero;
                if (_failures > 0)
                {
                    var wait = pool._reconnect.Delay(_failures - 1) - Stopwatch.GetElapsedTime(_lastFailure);
                    delay = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
                }

                _current = ConnectAsync(delay);
                return _current.WaitAsync(ct);
            }
        }

        public void CloseLater()
        {
            lock (_lock)
            {
                if (_current is { IsCompletedSuccessfully: true } task)
                {
                    task.Result.DisposeInBackground();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            Task<BrokerConnection>? task;
            lock (_lock)
            {
                task = _current;
            }

            if (task is not null)
            {
                try
                {
                    var connection = await task.ConfigureAwait(false);
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // A connection that never opened has nothing to close.
                }
            }
        }

        private async Task<BrokerConnection> ConnectAsync(TimeSpan delay)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay).ConfigureAwait(false);
            }

            try
            {
                // Not tied to one caller's token: other callers may be waiting on the same attempt.
                using var timeout = new CancellationTokenSource(pool.Settings.ConnectTimeoutMs + pool.Settings.RequestTimeoutMs);
                var connection = await BrokerConnection.ConnectAsync(address, nodeId, pool.Settings, timeout.Token).ConfigureAwait(false);
                lock (_lock)
                {
                    _failures = 0;
                }

                return connection;
            }
            catch (Exception e)
            {
                lock (_lock)
                {
                    _failures++;
                    _lastFailure = Stopwatch.GetTimestamp();
                }

                if (e is KafkaClientException)
                {
                    throw;
                }

                throw new BrokerConnectionException($"cannot reach broker {address}: {e.Message}", e);
            }
        }
    }
}
