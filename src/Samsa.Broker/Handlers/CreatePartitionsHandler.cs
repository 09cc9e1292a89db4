using Samsa.Broker.Requests;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Broker.Handlers;

/// <summary>CreatePartitions (v0-3): adds partitions to topics (only ever more), with optional assignments; validate-only honoured.</summary>
public sealed class CreatePartitionsHandler(BrokerServices services) : ApiHandler<CreatePartitionsRequest, CreatePartitionsResponse>
{
    public override ApiKey ApiKey => ApiKey.CreatePartitions;

    public override short MinVersion => 0;

    public override async ValueTask<CreatePartitionsResponse?> HandleAsync(ApiRequest<CreatePartitionsRequest> request)
    {
        var (response, error) = await ControllerCalls.CallAsync(services, (c, ct) => c.CreatePartitionsAsync(request.Body, ct), request.CancellationToken).ConfigureAwait(false);
        return response ?? ErrorResponse(request.Body, request.Version, error, null);
    }

    public override CreatePartitionsResponse ErrorResponse(CreatePartitionsRequest request, short version, ErrorCode error, string? message)
    {
        var response = new CreatePartitionsResponse();
        foreach (var name in request.Topics.Select(t => t.Name).Distinct(StringComparer.Ordinal))
        {
            response.Results.Add(new CreatePartitionsResponse.CreatePartitionsTopicResult { Name = name, ErrorCode = (short)error, ErrorMessage = message ?? error.DefaultMessage() });
        }

        return response;
    }
}
