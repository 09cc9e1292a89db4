using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Samsa.Broker.Configuration;
using Samsa.Broker.Network;

namespace Samsa.Broker;

/// <summary>
/// Runs one broker process: starts the network server on the configured listeners with the given
/// dispatcher, stops gracefully on SIGTERM or SIGINT (or <see cref="StopAsync"/>), and then runs the
/// shutdown hooks (flush logs, write checkpoints) in registration order.
/// </summary>
public sealed class BrokerHost : IAsyncDisposable
{
    private readonly List<(string Name, Func<CancellationToken, Task> Hook)> _shutdownHooks = [];
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly List<PosixSignalRegistration> _signals = [];
    private Task? _stopTask;

    public BrokerHost(BrokerConfig config, IRequestDispatcher dispatcher, ILoggerFactory? loggerFactory = null)
    {
        Config = config;
        _logger = loggerFactory?.CreateLogger<BrokerHost>() ?? (ILogger)NullLogger.Instance;
        Network = new NetworkServer(config.ToNetworkServerOptions(), dispatcher, loggerFactory?.CreateLogger<NetworkServer>());
    }

    public BrokerConfig Config { get; }

    public NetworkServer Network { get; }

    /// <summary>How long requests in flight may take to finish during a graceful stop before their connections are closed.</summary>
    public TimeSpan ShutdownGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long each shutdown hook may run.</summary>
    public TimeSpan ShutdownHookTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Completes when the host has stopped and every shutdown hook has run.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>
    /// Registers work to run after the network server has stopped (no request is in flight any more):
    /// flushing logs, writing offset and leader-epoch checkpoints. Hooks run one after another in
    /// registration order; a failing or slow hook is logged and the next one still runs.
    /// </summary>
    public void AddShutdownHook(string name, Func<CancellationToken, Task> hook)
    {
        lock (_gate)
        {
            if (_stopTask is not null)
            {
                throw new InvalidOperationException("the broker is already stopping");
            }

            _shutdownHooks.Add((name, hook));
        }
    }

    /// <summary>Binds the listeners and starts serving. Set <paramref name="handleSignals"/> to stop on SIGTERM and SIGINT.</summary>
    public void Start(bool handleSignals = true)
    {
        Network.Start();
        if (handleSignals)
        {
            foreach (var signal in (PosixSignal[])[PosixSignal.SIGTERM, PosixSignal.SIGINT])
            {
                _signals.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
        }
    }

    /// <summary>Graceful stop: stop accepting, finish requests in flight, close connections, run the shutdown hooks.</summary>
    public Task StopAsync()
    {
        lock (_gate)
        {
            return _stopTask ??= StopCoreAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Network.DisposeAsync();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive until the graceful stop has finished; Main returns afterwards.
        context.Cancel = true;
        BrokerHostLog.SignalReceived(_logger, context.Signal);
        _ = StopAsync();
    }

    private async Task StopCoreAsync()
    {
        try
        {
            foreach (var registration in _signals)
            {
                registration.Dispose();
            }

            await Network.StopAsync(ShutdownGracePeriod);
            List<(string Name, Func<CancellationToken, Task> Hook)> hooks;
            lock (_gate)
            {
                hooks = [.. _shutdownHooks];
            }

            foreach (var (name, hook) in hooks)
            {
                using var timeout = new CancellationTokenSource(ShutdownHookTimeout);
                try
                {
                    await hook(timeout.Token).WaitAsync(ShutdownHookTimeout);
                }
                catch (Exception ex)
                {
                    BrokerHostLog.HookFailed(_logger, ex, name);
                }
            }

            BrokerHostLog.Stopped(_logger);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }
}

internal static partial class BrokerHostLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Received {Signal}; stopping gracefully")]
    public static partial void SignalReceived(ILogger logger, PosixSignal signal);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown hook {Name} failed")]
    public static partial void HookFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Broker stopped")]
    public static partial void Stopped(ILogger logger);
}
