using Samsa.Protocol.Errors;

namespace Samsa.Protocol.Tests.Errors;

public class ErrorCodesTests
{
    [Fact]
    public void Table_covers_every_code_from_minus_one_to_the_newest_in_order()
    {
        var all = ErrorCodes.All;
        Assert.Equal(ErrorCodes.MaxCode - ErrorCodes.MinCode + 1, all.Count);
        for (var i = 0; i < all.Count; i++)
        {
            Assert.Equal(ErrorCodes.MinCode + i, (short)all[i].Code);
        }
    }

    [Fact]
    public void Every_enum_member_has_an_entry_whose_kafka_name_matches_it()
    {
        foreach (var code in Enum.GetValues<ErrorCode>())
        {
            Assert.True(ErrorCodes.TryGetInfo((short)code, out var info), $"{code} has no entry");
            var pascal = string.Concat(info.Name.Split('_').Select(p => p[..1] + p[1..].ToLowerInvariant()));
            Assert.Equal(pascal, code.ToString());
            Assert.False(string.IsNullOrWhiteSpace(info.Message));
        }

        Assert.Equal(ErrorCodes.All.Count, Enum.GetValues<ErrorCode>().Length);
    }

    [Theory]
    [InlineData(ErrorCode.UnknownServerError, -1, "UNKNOWN_SERVER_ERROR", false)]
    [InlineData(ErrorCode.None, 0, "NONE", false)]
    [InlineData(ErrorCode.CorruptMessage, 2, "CORRUPT_MESSAGE", true)]
    [InlineData(ErrorCode.UnknownTopicOrPartition, 3, "UNKNOWN_TOPIC_OR_PARTITION", true)]
    [InlineData(ErrorCode.NotLeaderOrFollower, 6, "NOT_LEADER_OR_FOLLOWER", true)]
    [InlineData(ErrorCode.MessageTooLarge, 10, "MESSAGE_TOO_LARGE", false)]
    [InlineData(ErrorCode.NotEnoughReplicas, 19, "NOT_ENOUGH_REPLICAS", true)]
    [InlineData(ErrorCode.UnsupportedForMessageFormat, 43, "UNSUPPORTED_FOR_MESSAGE_FORMAT", false)]
    [InlineData(ErrorCode.ConcurrentTransactions, 51, "CONCURRENT_TRANSACTIONS", true)]
    [InlineData(ErrorCode.KafkaStorageError, 56, "KAFKA_STORAGE_ERROR", true)]
    [InlineData(ErrorCode.InvalidRecord, 87, "INVALID_RECORD", false)]
    [InlineData(ErrorCode.ProducerFenced, 90, "PRODUCER_FENCED", false)]
    [InlineData(ErrorCode.UnknownTopicId, 100, "UNKNOWN_TOPIC_ID", true)]
    [InlineData(ErrorCode.TransactionAbortable, 120, "TRANSACTION_ABORTABLE", false)]
    [InlineData(ErrorCode.RebootstrapRequired, 129, "REBOOTSTRAP_REQUIRED", false)]
    [InlineData(ErrorCode.ShareSessionLimitReached, 133, "SHARE_SESSION_LIMIT_REACHED", true)]
    public void Codes_names_and_retriability_match_kafka(ErrorCode code, short wire, string name, bool retriable)
    {
        Assert.Equal(wire, (short)code);
        Assert.Equal(name, code.KafkaName());
        Assert.Equal(retriable, code.IsRetriable());
    }

    [Fact]
    public void A_code_newer_than_the_table_reads_as_unknown_server_error()
    {
        Assert.False(ErrorCodes.TryGetInfo(999, out _));
        Assert.Equal("UNKNOWN_SERVER_ERROR", ((ErrorCode)999).KafkaName());
        Assert.False(((ErrorCode)(-2)).IsRetriable());
    }

    [Fact]
    public void Exception_carries_its_code_and_default_message()
    {
        var e = new KafkaErrorException(ErrorCode.InvalidRecord);
        Assert.Equal(ErrorCode.InvalidRecord, e.ErrorCode);
        Assert.Equal(ErrorCode.InvalidRecord.DefaultMessage(), e.Message);
        Assert.StartsWith("INVALID_RECORD", e.ToString(), StringComparison.Ordinal);
    }
}
