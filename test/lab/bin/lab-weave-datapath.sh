# Weave's datapath as the lab models it (sourced by bin/docker). Sleeve (WEAVE_NO_FASTDP, or fastdp fallen back)
# gives the weave bridge and the containers' veths a large MTU (65535 by default: weave v2.8.1 net/bridge.go:317-318;
# veths take the bridge's MTU, weave:403-452). Real sleeve then answers an oversize DF frame with an ICMP
# "fragmentation needed" carrying the path MTU it verified (router/sleeve.go:489-517, makeICMPFragNeeded), so
# senders settle on that MTU. A Linux bridge cannot send that ICMP: the lab gives each container's overlay route the
# verified MTU up front (LAB_SLEEVE_MTU = underlay − 62), the state real senders reach after path MTU discovery.
# Known difference: iperf3 reads the control connection's MSS before any discovery, so a real sleeve UDP test may
# start with larger datagrams than the lab's.

weave_datapath_route_mtu() { # <ns> <ip/len…>
  local ns=$1 a
  shift
  [[ ${LAB_WEAVE_DATAPATH:-fastdp} == sleeve ]] || return 0
  for a in "$@"; do
    ip -n "$ns" route replace "$(cidr_network "$a")" dev ethwe proto kernel scope link src "${a%/*}" mtu "$LAB_SLEEVE_MTU"
  done
}
