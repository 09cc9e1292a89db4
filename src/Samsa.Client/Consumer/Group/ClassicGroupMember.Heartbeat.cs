using Samsa.Client.Errors;
using Samsa.Protocol.Errors;
using Samsa.Protocol.Messages;

namespace Samsa.Client.Consumer.Group;

internal sealed partial class ClassicGroupMember
{
    private CancellationTokenSource? _heartbeatStop;
    private Task _heartbeat = Task.CompletedTask;

    /// <summary>Leaves the group (LeaveGroup) so the others rebalance at once instead of after session.timeout.ms.</summary>
    public async Task LeaveAsync(CancellationToken ct)
    {
        await StopHeartbeatAsync().ConfigureAwait(false);
        if (MemberId.Length == 0 || _config.GroupInstanceId is not null)
        {
            return;
        }

        try
        {
            var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
            var version = connection.Versions.Pick(ApiKey.LeaveGroup, connection.Name, maxWanted: 1);
            var request = version >= 3
                ? new LeaveGroupRequest { GroupId = GroupId, Members = [new LeaveGroupRequest.MemberIdentity { MemberId = MemberId }] }
                : new LeaveGroupRequest { GroupId = GroupId, MemberId = MemberId };
            await connection.SendAsync<LeaveGroupResponse>(request, version, ct).ConfigureAwait(false);
        }
        catch (KafkaClientException)
        {
            // Leaving is a courtesy: the session timeout removes the member anyway.
        }

        MemberId = string.Empty;
        GenerationId = -1;
        _rejoin = true;
    }

    public async ValueTask DisposeAsync() => await StopHeartbeatAsync().ConfigureAwait(false);

    private void StartHeartbeat()
    {
        _heartbeatStop = new CancellationTokenSource();
        _heartbeat = HeartbeatLoopAsync(_heartbeatStop.Token);
    }

    private async Task StopHeartbeatAsync()
    {
        if (_heartbeatStop is null)
        {
            return;
        }

        await _heartbeatStop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _heartbeat.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _heartbeatStop.Dispose();
        _heartbeatStop = null;
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        while (!_rejoin)
        {
            await Task.Delay(_config.HeartbeatIntervalMs, ct).ConfigureAwait(false);
            try
            {
                var code = await SendHeartbeatAsync(ct).ConfigureAwait(false);
                OnHeartbeat(code);
            }
            catch (KafkaClientException e) when (e.IsRetriable)
            {
                _coordinator = -1;
            }
            catch (KafkaClientException)
            {
                _rejoin = true;
            }
        }
    }

    private void OnHeartbeat(ErrorCode code)
    {
        switch (code)
        {
            case ErrorCode.None:
                return;
            case ErrorCode.NotCoordinator or ErrorCode.CoordinatorNotAvailable or ErrorCode.CoordinatorLoadInProgress:
                _coordinator = -1;
                return;
            case ErrorCode.UnknownMemberId or ErrorCode.IllegalGeneration or ErrorCode.FencedInstanceId:
                MemberId = string.Empty;
                GenerationId = -1;
                _rejoin = true;
                return;
            default:
                _rejoin = true;
                return;
        }
    }

    private async Task<ErrorCode> SendHeartbeatAsync(CancellationToken ct)
    {
        var connection = await CoordinatorAsync(ct).ConfigureAwait(false);
        var version = connection.Versions.Pick(ApiKey.Heartbeat, connection.Name, maxWanted: 3);
        var request = new HeartbeatRequest
        {
            GroupId = GroupId,
            GenerationId = GenerationId,
            MemberId = MemberId,
            GroupInstanceId = version >= 3 ? _config.GroupInstanceId : null,
        };
        var response = await connection.SendAsync<HeartbeatResponse>(request, version, ct).ConfigureAwait(false);
        return (ErrorCode)response.ErrorCode;
    }
}
