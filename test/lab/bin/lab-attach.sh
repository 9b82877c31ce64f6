# Container network attachments for bin/docker: eth0 on docker0, ethwe on weave (proxy or plugin mode), eth1
# on flannel. Sourced, not run. Each appends the Docker endpoint JSON to NET_JSON (for `docker inspect`) and
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

# Resolves WEAVE_CIDR-style specs (net:default, net:CIDR, ip:A/P, A/P) to allocated addresses "ip/len".
weave_allocate() { # <owner> <dir> <spec…>
  local owner=$1 dir=$2 spec cidr ip
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
      ip=$(ipam_alloc "$(ipam_pool_name "$cidr")" "$cidr" "$owner" 1) ||
        die 125 "docker: Error response from daemon: weave: no free address in $cidr."
      echo "$(ipam_pool_name "$cidr")/$ip" >>"$dir/ipam"
      echo "$ip/${cidr#*/}"
    else
      ipam_claim "$(ipam_pool_name "$spec")" "${spec%/*}" "$owner" ||
        die 125 "docker: Error response from daemon: weave: address ${spec%/*} is already allocated."
      echo "$(ipam_pool_name "$spec")/${spec%/*}" >>"$dir/ipam"
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
  printf '%s\n' "${cidrs[@]}" >"$dir/weave"
  echo "$mac" >"$dir/weave-mac"
  if ((plugin)); then
    NET_JSON+=",\"weave\":{\"IPAddress\":\"${cidrs[0]%/*}\",\"IPPrefixLen\":${cidrs[0]#*/},\"Gateway\":\"\",\"MacAddress\":\"$mac\",\"NetworkID\":\"$(net_id weave)\",\"EndpointID\":\"${id:16:16}\"}"
  fi
}

attach_flannel() { # <id> <ns> <dir>: eth1 on the flat flannel VXLAN (a second docker network, like `docker network connect`)
  local id=$1 ns=$2 ip mac
  ip=$(ipam_alloc flannel "$LAB_FLANNEL_RANGE" "$id" 2) ||
    die 125 "docker: Error response from daemon: no available IPv4 addresses on this network's address pools: flannel."
  echo "flannel/$ip" >>"$3/ipam"
  mac="0a:${id:0:2}:${id:2:2}:${id:4:2}:${id:6:2}:${id:8:2}"
  ip link add "nl-f${id:0:8}" mtu "$LAB_FLANNEL_MTU" type veth peer name eth1 mtu "$LAB_FLANNEL_MTU" address "$mac" netns "$ns"
  ip link set "nl-f${id:0:8}" master flannel up
  printf 'addr add %s/16 dev eth1\nlink set eth1 up\n' "$ip" | ip -n "$ns" -batch -
  NET_JSON+=",\"flannel\":{\"IPAddress\":\"$ip\",\"IPPrefixLen\":16,\"Gateway\":\"\",\"MacAddress\":\"$mac\",\"NetworkID\":\"$(net_id flannel)\",\"EndpointID\":\"${id:24:16}\"}"
}

