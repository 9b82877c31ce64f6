# Weave's ARP set-up of each interface it puts on the overlay, for bin/docker and bin/weave. Sourced, not run.
# weaveworks/weave v2.8.1 does two things there:
# - a short neighbour cache, so a peer notices a moved MAC within seconds: base_reachable_time 5 s,
#   delay_first_probe_time 2 s, ucast_solicit 1 (net/arp.go:13-21), for the weave bridge (net/bridge.go:294) and
#   each container's ethwe (net/veth.go:232; plugin mode: ConfigureARP, net/veth.go:239-256);
# - one gratuitous ARP per new address (net/veth.go:195-199 on attach, net/expose.go:67 on expose), so every
#   neighbour that cached an earlier container's MAC for a reused address (a redeploy) updates it at once.

weave_arp_tune() { # <netns or ''> <ifname>
  local -a in_ns=()
  [[ -n $1 ]] && in_ns=(ip netns exec "$1")
  "${in_ns[@]}" sysctl -q -w "net.ipv4.neigh.$2.base_reachable_time=5" "net.ipv4.neigh.$2.delay_first_probe_time=2" \
    "net.ipv4.neigh.$2.ucast_solicit=1" >/dev/null
}

weave_gratuitous_arp() { # <netns or ''> <ifname> <addr[/len]…>
  local ns=$1 ifname=$2 a
  local -a in_ns=()
  [[ -n $ns ]] && in_ns=(ip netns exec "$ns")
  shift 2
  for a in "$@"; do
    # iputils arping -U lingers a second after its one packet; weave only sends it, so it runs in the background.
    "${in_ns[@]}" arping -q -U -c 1 -I "$ifname" "${a%/*}" </dev/null >/dev/null 2>&1 &
  done
}
