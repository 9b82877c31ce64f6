# Container network attachments for bin/docker: eth0 on docker0, ethwe on weave (proxy or plugin mode), eth0 on
# a user-defined bridge network (flannel). Sourced, not run. Each appends the Docker endpoint JSON to NET_JSON (for `docker inspect`) and
# records its address allocations in <container dir>/ipam so `docker rm` can free them.

attach_bridge() { # <id> <ns> <dir>: eth0 on the host's docker0, like Docker's default bridge network
  local id=$1 ns=$2 ip c d mac
  ip=$(ipam_alloc "bridge-$LAB_HOST" 172.17.0.0/16 "$id" 2) ||
    die 125 "docker: Error response from daemon: no available IPv4 addresses on this network's address pools: bridge."
  echo "bridge-$LAB_HOST/$ip" >>"$3/ipam"
  IFS=. read -r _ _ c d <<<"$ip"
  mac=$(printf '02:42:ac:11:%02x:%02x' "$c" "$d")
  ip link add "nl-v${id:0:8}" type veth peer name eth0 address "$mac" netns "$ns"
  ip link set "nl-v${id:0:8}" master docker0 up
  printf 'addr add %s/16 dev eth0\nlink set eth0 up\nroute add default via 172.17.0.1\n' "$ip" | ip -n "$ns" -batch -
  NET_JSON+=",\"bridge\":{\"IPAddress\":\"$ip\",\"IPPrefixLen\":16,\"Gateway\":\"172.17.0.1\",\"MacAddress\":\"$mac\",\"NetworkID\":\"$(net_id bridge)\",\"EndpointID\":\"${id:8:16}\"}"
}

net_id() { printf '%s' "$1" | sha256sum | cut -c1-64; }

# Resolves WEAVE_CIDR-style specs (net:default, net:CIDR, ip:A/P, A/P) to allocated addresses "ip/len", all from
# Weave's one address space (WEAVE_IPAM_POOL; weaveworks/weave v2.8.1 ipam/allocator.go:61, Allocate :292, Claim :316).
weave_allocate() { # <owner> <dir> <spec…>
  local owner=$1 dir=$2 spec cidr ip err
  shift 2
  for spec in "$@"; do
    case $spec in
    net:default) cidr=$LAB_WEAVE_DEFAULT_SUBNET ;;
    net:*) cidr=${spec#net:} ;;
    ip:*) cidr='' spec=${spec#ip:} ;;
    */*) cidr='' ;;
    *) die 125 "docker: Error response from daemon: weave: invalid WEAVE_CIDR '$spec'." ;;
    esac
    if [[ -n $cidr ]]; then
      err=$(weave_range_error "$spec" "$cidr")
      [[ -z $err ]] || die 125 "docker: Error response from daemon: $err."
      ip=$(ipam_alloc "$WEAVE_IPAM_POOL" "$cidr" "$owner" 1) ||
        die 125 "docker: Error response from daemon: weave: no free address in $cidr."
      echo "$WEAVE_IPAM_POOL/$ip" >>"$dir/ipam"
      echo "$ip/${cidr#*/}"
    else
      ipam_claim "$WEAVE_IPAM_POOL" "${spec%/*}" "$owner" ||
        die 125 "docker: Error response from daemon: weave: address ${spec%/*} is already allocated."
      echo "$WEAVE_IPAM_POOL/${spec%/*}" >>"$dir/ipam"
      echo "$spec"
    fi
  done
}

attach_weave() { # <id> <ns> <dir> <plugin 0|1> <spec…>: ethwe on the host's weave bridge
  local id=$1 ns=$2 dir=$3 plugin=$4 mac cidrs a
  shift 4
  mac="ea:${id:0:2}:${id:2:2}:${id:4:2}:${id:6:2}:${id:8:2}"
  mapfile -t cidrs < <(weave_allocate "$id" "$dir" "$@")
  ((${#cidrs[@]} == ${#@})) || exit 125
  ip link add "nl-w${id:0:8}" mtu "$LAB_OVERLAY_MTU" type veth peer name ethwe mtu "$LAB_OVERLAY_MTU" address "$mac" netns "$ns"
  ip link set "nl-w${id:0:8}" master weave up
  { for a in "${cidrs[@]}"; do echo "addr add $a dev ethwe"; done; echo 'link set ethwe up'; } | ip -n "$ns" -batch -
  weave_datapath_route_mtu "$ns" "${cidrs[@]}"
  weave_arp_tune "$ns" ethwe
  weave_gratuitous_arp "$ns" ethwe "${cidrs[@]}"
  printf '%s\n' "${cidrs[@]}" >"$dir/weave"
  echo "$mac" >"$dir/weave-mac"
  if ((plugin)); then
    NET_JSON+=",\"weave\":{\"IPAddress\":\"${cidrs[0]%/*}\",\"IPPrefixLen\":${cidrs[0]#*/},\"Gateway\":\"\",\"MacAddress\":\"$mac\",\"NetworkID\":\"$(net_id weave)\",\"EndpointID\":\"${id:16:16}\"}"
  fi
}

# A user-defined Docker bridge network (the `flannel` network lab-up creates as flannel's docs do; its record is
# <host dir>/networks/<name>.json): one eth0 in the host's own subnet, the network's MTU, default route via its
# gateway. MAC 02:42:<IPv4 bytes>, as Docker derives it (moby libnetwork netutils.GenerateMACFromIP).
attach_network() { # <id> <ns> <dir> <network name>
  local id=$1 ns=$2 name=$4 rec ip mac subnet gw bridge mtu netid a b c d
  rec=$HOST_DIR/networks/$name.json
  IFS=' ' read -r netid bridge subnet gw mtu < <(jq -r '"\(.id) \(.bridge) \(.subnet) \(.gateway) \(.mtu)"' "$rec")
  ip=$(ipam_alloc "net-$name-$LAB_HOST" "$subnet" "$id" 2) ||
    die 125 "docker: Error response from daemon: no available IPv4 addresses on this network's address pools: $name."
  echo "net-$name-$LAB_HOST/$ip" >>"$3/ipam"
  IFS=. read -r a b c d <<<"$ip"
  mac=$(printf '02:42:%02x:%02x:%02x:%02x' "$a" "$b" "$c" "$d")
  ip link add "nl-n${id:0:8}" mtu "$mtu" type veth peer name eth0 mtu "$mtu" address "$mac" netns "$ns"
  ip link set "nl-n${id:0:8}" master "$bridge" up
  printf 'addr add %s/%s dev eth0\nlink set eth0 up\nroute add default via %s\n' "$ip" "${subnet#*/}" "$gw" | ip -n "$ns" -batch -
  NET_JSON+=",\"$name\":{\"IPAddress\":\"$ip\",\"IPPrefixLen\":${subnet#*/},\"Gateway\":\"$gw\",\"MacAddress\":\"$mac\",\"NetworkID\":\"$netid\",\"EndpointID\":\"${id:24:16}\"}"
}
