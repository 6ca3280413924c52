#include "runner/net_counters.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>

namespace {

using lab::runner::counter_delta;
using lab::runner::CounterMap;
using lab::runner::parse_counter_text;

// Read from a 6.18 kernel's /proc/net/netstat and /proc/net/snmp, unedited.
constexpr const char* kNetstat = R"(TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSActive PAWSEstab BeyondWindow TSEcrRejected PAWSOldAck PAWSTimewait DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPHPHits TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPRcvCollapsed TCPBacklogCoalesce TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPMemoryPressuresChrono TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPMD5Failure TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPFastOpenBlackhole TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess TCPDelivered TCPDeliveredCE TCPAckCompressed TCPZeroWindowDrop TCPRcvQDrop TCPWqueueTooBig TCPFastOpenPassiveAltKey TcpTimeoutRehash TcpDuplicateDataRehash TCPDSACKRecvSegs TCPDSACKIgnoredDubious TCPMigrateReqSuccess TCPMigrateReqFailure TCPPLBRehash TCPAORequired TCPAOBad TCPAOKeyNotFound TCPAOGood TCPAODroppedIcmps
TcpExt: 0 0 0 0 0 0 0 0 0 0 11 0 0 0 0 0 0 0 0 0 0 0 0 0 51 17 9 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 2 0 0 0 0 0 30 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1176 0 0 0 0 0 0 0 0 0 0 0 0 2 0 0 50 50 46 0 79 0 0 0 0 0 0 0 0 0 0 0 0 0 0 91 0 0 0 0 0 0 2 0 0 0 0 0 0 0 0 0 0 0
IpExt: InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts ReasmOverlaps
IpExt: 0 0 0 0 0 0 54008557 51245 0 0 0 0 0 1519 0 0 0 0
MPTcpExt: MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK MPCapableFallbackSYNACK MPCapableSYNTXDrop MPCapableSYNTXDisabled MPCapableEndpAttempt MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx MPJoinSynBackupRx MPJoinSynAckRx MPJoinSynAckBackupRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure MPJoinRejected MPJoinSynTx MPJoinSynTxCreatSkErr MPJoinSynTxBindErr MPJoinSynTxConnectErr DSSNotMatching DSSCorruptionFallback DSSCorruptionReset InfiniteMapTx InfiniteMapRx DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue OFOMerge NoDSSInWindow DuplicateData AddAddr AddAddrTx AddAddrTxDrop EchoAdd EchoAddTx EchoAddTxDrop PortAdd AddAddrDrop MPJoinPortSynRx MPJoinPortSynAckRx MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmAddrTx RmAddrTxDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx SubflowStale SubflowRecover SndWndShared RcvWndShared RcvWndConflictUpdate RcvWndConflict MPCurrEstab Blackhole MPCapableDataFallback MD5SigFallback DssFallback SimultConnectFallback FallbackFailed WinProbe
MPTcpExt: 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
)";

constexpr const char* kSnmp = R"(Ip: Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates OutTransmits
Ip: 2 64 1519 0 0 0 0 0 1519 706 0 0 0 0 0 0 0 0 0 706
Icmp: InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors OutRateLimitGlobal OutRateLimitHost OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps
Icmp: 1 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
IcmpMsg: InType3
IcmpMsg: 1
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors
Tcp: 1 200 120000 -1 13 2 0 0 0 1492 681 0 0 2 0
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 26 0 0 27 0 0 0 0 0
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
UdpLite: 0 0 0 0 0 0 0 0 0
)";

std::string error_of(std::string_view text) {
    try {
        parse_counter_text(text);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "no error";
}

TEST(NetCounters, ParsesEveryNetstatSection) {
    CounterMap c = parse_counter_text(kNetstat);
    EXPECT_EQ(c.at("TcpExt.ListenOverflows"), 0);
    EXPECT_EQ(c.at("TcpExt.TW"), 11);
    EXPECT_EQ(c.at("TcpExt.TCPAODroppedIcmps"), 0);  // the last name of a long line
    EXPECT_EQ(c.at("IpExt.InOctets"), 54008557);
    EXPECT_EQ(c.at("IpExt.InNoECTPkts"), 1519);
    EXPECT_TRUE(c.contains("MPTcpExt.MPCapableSYNRX"));
    EXPECT_FALSE(c.contains("TcpExt.TcpExt"));
}

TEST(NetCounters, ParsesSnmpWithItsNegativeAndItsSparseSection) {
    CounterMap c = parse_counter_text(kSnmp);
    EXPECT_EQ(c.at("Tcp.MaxConn"), -1);
    EXPECT_EQ(c.at("Tcp.ActiveOpens"), 13);
    EXPECT_EQ(c.at("Tcp.RtoMax"), 120000);
    EXPECT_EQ(c.at("Ip.DefaultTTL"), 64);
    EXPECT_EQ(c.at("IcmpMsg.InType3"), 1);
    EXPECT_EQ(c.at("Udp.InDatagrams"), 26);
    EXPECT_EQ(c.at("Udp.RcvbufErrors"), 0);
    EXPECT_EQ(c.at("UdpLite.InDatagrams"), 0);
}

TEST(NetCounters, BothFilesTogetherKeepEveryCounter) {
    CounterMap netstat = parse_counter_text(kNetstat);
    CounterMap snmp = parse_counter_text(kSnmp);
    CounterMap both = parse_counter_text(std::string(kNetstat) + kSnmp);
    EXPECT_EQ(both.size(), netstat.size() + snmp.size());
}

TEST(NetCounters, ToleratesBlankLinesAndCarriageReturns) {
    CounterMap c = parse_counter_text("\nTcp: A  B\r\nTcp: 1 2\r\n\n\nUdp: C\nUdp: 3");
    EXPECT_EQ(c, (CounterMap{{"Tcp.A", 1}, {"Tcp.B", 2}, {"Udp.C", 3}}));
    EXPECT_TRUE(parse_counter_text("").empty());
}

TEST(NetCounters, CountMismatchNamesTheSectionAndTheLine) {
    std::string e = error_of("Ip: A B\nIp: 1 2\nTcp: A B C\nTcp: 1 2\n");
    EXPECT_NE(e.find("line 4"), std::string::npos) << e;
    EXPECT_NE(e.find("'Tcp'"), std::string::npos) << e;
    EXPECT_NE(e.find("3 names but 2 values"), std::string::npos) << e;
}

TEST(NetCounters, OtherMalformedTextIsRejected) {
    EXPECT_NE(error_of("Tcp: A B\nUdp: 1 2").find("'Udp' follows the names of 'Tcp'"), std::string::npos);
    EXPECT_NE(error_of("Tcp: A B\nTcp: 1 2\nUdp: A").find("no value line"), std::string::npos);
    EXPECT_NE(error_of("Tcp: A\nTcp: x1").find("'x1' of Tcp.A is not an integer"), std::string::npos);
    EXPECT_NE(error_of("Tcp: A\nTcp: 1x").find("not an integer"), std::string::npos);
    EXPECT_NE(error_of("just words\nmore words").find("no 'Section:' prefix"), std::string::npos);
}

TEST(NetCounters, DeltaSubtractsAndCountsMissingAsZero) {
    CounterMap before{{"TcpExt.ListenOverflows", 5}, {"Tcp.MaxConn", -1}, {"Gone.X", 4}};
    CounterMap after{{"TcpExt.ListenOverflows", 11}, {"Tcp.MaxConn", -1}, {"IcmpMsg.InType3", 2}};
    EXPECT_EQ(counter_delta(before, after),
              (CounterMap{{"TcpExt.ListenOverflows", 6}, {"Tcp.MaxConn", 0}, {"IcmpMsg.InType3", 2}, {"Gone.X", -4}}));
    EXPECT_TRUE(counter_delta({}, {}).empty());
}

TEST(NetCounters, UnsignedCountersPastInt64KeepTheirDelta) {
    // 2^64 - 6 wraps to -6 in the map; 10 after the kernel's counter wrapped is 16 more.
    CounterMap before = parse_counter_text("IpExt: InOctets\nIpExt: 18446744073709551610\n");
    CounterMap after = parse_counter_text("IpExt: InOctets\nIpExt: 10\n");
    EXPECT_EQ(before.at("IpExt.InOctets"), -6);
    EXPECT_EQ(counter_delta(before, after).at("IpExt.InOctets"), 16);
}

}  // namespace
