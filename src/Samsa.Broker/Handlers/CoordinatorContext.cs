using Samsa.Broker.Requests;
using Samsa.GroupCoordinator;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>What the group handlers share: the coordinator's view of a request, and Kafka's group operations.</summary>
internal static class CoordinatorContext
{
    // READ 3, DELETE 6, DESCRIBE 8: what a group supports; with no authorizer every one is allowed.
    public const int GroupOperations = (1 << 3) | (1 << 6) | (1 << 8);

    public static CoordinatorRequestContext For<TRequest>(ApiRequest<TRequest> request)
        where TRequest : IRequestMessage =>
        new(request.Version, request.ClientId ?? "", "/" + request.Connection.ClientAddress.Address);

    /// <summary>
    /// Waits for a long poll (JoinGroup, SyncGroup), answering <paramref name="onStop"/> when the server begins a
    /// graceful stop, so a stopping broker is never held by a rebalance.
    /// </summary>
    public static async ValueTask<TResponse> UntilStoppingAsync<TRequest, TResponse>(ApiRequest<TRequest> request, ValueTask<TResponse> pending, Func<TResponse> onStop)
        where TRequest : IRequestMessage
    {
        try
        {
            return await pending.AsTask().WaitAsync(request.ServerStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (request.ServerStopping.IsCancellationRequested)
        {
            return onStop();
        }
    }
}
