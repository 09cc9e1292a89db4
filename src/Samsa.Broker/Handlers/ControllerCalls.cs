using Samsa.Metadata.Controller;
using Samsa.Protocol.Errors;

namespace Samsa.Broker.Handlers;

/// <summary>How admin handlers call the controller: they wait until this broker's image holds the result, so the client's next Metadata request sees it.</summary>
internal static class ControllerCalls
{
    /// <summary>
    /// Runs a controller call; a controller that is not active (a stopping node) becomes NOT_CONTROLLER, which clients
    /// retry. Then waits for this broker's image to catch up with the controller's, so the client's next request sees
    /// the change.
    /// </summary>
    public static async Task<(T? Result, ErrorCode Error)> CallAsync<T>(BrokerServices services, Func<IClusterController, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
        where T : class
    {
        T result;
        try
        {
            result = await call(services.Controller, cancellationToken).ConfigureAwait(false);
        }
        catch (NotControllerException)
        {
            return (null, ErrorCode.NotController);
        }

        if (services.Controller is QuorumController local)
        {
            await services.Metadata.WaitForOffsetAsync(local.Image.Offset, cancellationToken).ConfigureAwait(false);
        }

        return (result, ErrorCode.None);
    }
}
