# Shared helpers of the lab CLIs (docker, weave). Sourced, not run. State lives in files under the lab state
# directory so every invocation is a cheap bash start; allocations are serialised with flock.
# shellcheck disable=SC2034 # sourced: the variables set here are read by the scripts that source it

LAB_BIN=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_STATE=${NETOPS_LAB_STATE:-$(cd "$LAB_BIN/.." && pwd)/.state}
IPAM_DIR=$LAB_STATE/ipam
CONTAINER_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() { # <exit code> <message…>
  local code=$1
  shift
  printf '%s\n' "$*" >&2
  exit "$code"
}

# The lab host this process runs on, from the namespace it is in (u1..u3); the daemon error otherwise, as a
# docker CLI without a reachable engine would print.
lab_require_host() {
  if [[ -z ${LAB_HOST:-} ]]; then
    LAB_HOST=$(ip netns identify 2>/dev/null)
    LAB_HOST=${LAB_HOST#nl-}
  fi
  if [[ -z $LAB_HOST || ! -f $LAB_STATE/lab.env ]]; then
    die 1 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?'
  fi
  # shellcheck source=/dev/null
  source "$LAB_STATE/lab.env"
  HOST_DIR=$LAB_STATE/$LAB_HOST
  CTR_DIR=$HOST_DIR/containers
  mkdir -p "$CTR_DIR" "$IPAM_DIR"
}

# Namespaces are created and deleted in the machine's root mount namespace: the hosts' sshd runs under
# `ip netns exec`, whose private mount namespace would keep the /run/netns bind mount from propagating to
# other sessions. `up` keeps an anchor process there (LAB_ROOT_PID) to enter it.
netns_admin() { # add|del <name>
  nsenter --mount="/proc/$LAB_ROOT_PID/ns/mnt" ip netns "$1" "$2"
}

lab_lock() { exec 9>"$IPAM_DIR/.lock" && flock 9; }
lab_unlock() { flock -u 9; }

ip2int() {
  local IFS=.
  read -r a b c d <<<"$1"
  echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

int2ip() { echo "$((($1 >> 24) & 255)).$((($1 >> 16) & 255)).$((($1 >> 8) & 255)).$(($1 & 255))"; }

# Normalises a CIDR to its network address: 10.32.1.7/24 -> 10.32.1.0/24.
cidr_network() {
  local len=${1#*/}
  local mask=$(((0xffffffff << (32 - len)) & 0xffffffff))
  echo "$(int2ip $(($(ip2int "${1%/*}") & mask)))/$len"
}

# True when two CIDRs share an address (the IPAM test Weave applies to a requested subnet: it must overlap the
# allocation range, weaveworks/weave v2.8.1 ipam/allocate.go:37-38).
cidr_overlaps() { # <cidr> <cidr>
  local a b as ae bs be
  a=$(cidr_network "$1") b=$(cidr_network "$2")
  as=$(ip2int "${a%/*}") bs=$(ip2int "${b%/*}")
  ae=$((as + (1 << (32 - ${a#*/})) - 1)) be=$((bs + (1 << (32 - ${b#*/})) - 1))
  ((as <= be && bs <= ae))
}

# Weave's answer for a subnet outside its allocation range (ipam/allocate.go:37-38, wrapped by the proxy as
# `for "<spec>": …`, proxy/proxy.go:541); empty when the subnet is fine.
weave_range_error() { # <spec> <cidr>
  cidr_overlaps "$2" "$LAB_WEAVE_RANGE" && return 0
  echo "for \"$1\": range $(cidr_network "$2") out of bounds: $LAB_WEAVE_RANGE"
}

# Every Weave address (containers in any subnet, `weave expose`) comes from one address space per peer, whatever
# subnet is asked for: overlapping subnets (net:default = the /12 range and a tenant's /24 under a plain launch)
# never hand out the same address twice (weaveworks/weave v2.8.1 ipam/allocator.go:61 `space space.Space`, one
# per allocator; Allocate :292 and Claim :316 both work on it).
WEAVE_IPAM_POOL=weave

# Allocates the next free address of a pool (caller holds the lock). Prints the address.
ipam_alloc() { # <pool name> <cidr> <owner> <first host offset>
  local dir=$IPAM_DIR/$1 net len base size i ip
  net=$(cidr_network "$2")
  len=${net#*/}
  base=$(ip2int "${net%/*}")
  size=$((1 << (32 - len)))
  mkdir -p "$dir"
  for ((i = $4; i < size - 1; i++)); do
    ip=$(int2ip $((base + i)))
    if [[ ! -e $dir/$ip ]]; then
      echo "$3" >"$dir/$ip"
      echo "$ip"
      return 0
    fi
  done
  return 1
}

# Claims one given address of a pool (caller holds the lock).
ipam_claim() { # <pool name> <ip> <owner>
  local dir=$IPAM_DIR/$1
  mkdir -p "$dir"
  [[ -e $dir/$2 ]] && return 1
  echo "$3" >"$dir/$2"
}

# Finds a container on this host by name (with or without the leading /), full id or unique id prefix.
ctr_lookup() { # <ref> -> prints the container dir
  local ref=${1#/} d found=''
  [[ -n $ref ]] || return 1
  if [[ -f $CTR_DIR/.names/$ref ]]; then
    d=$CTR_DIR/$(<"$CTR_DIR/.names/$ref")
    [[ -d $d ]] && { echo "$d"; return 0; }
  fi
  [[ $ref =~ ^[0-9a-f]+$ ]] || return 1
  for d in "$CTR_DIR"/"$ref"*; do
    [[ -d $d ]] || continue
    [[ -n $found ]] && return 1
    found=$d
  done
  [[ -n $found ]] && echo "$found"
}

# Runtime state of a container as a JSON object (read by docker.jq): pid, status, exit code, times.
ctr_runtime_json() { # <dir>
  local d=$1 pid=0 status=created code=0 started='0001-01-01T00:00:00Z' finished='0001-01-01T00:00:00Z'
  [[ -f $d/started ]] && started=$(<"$d/started")
  if [[ -f $d/exitcode ]]; then
    status=exited
    code=$(<"$d/exitcode")
    finished=$(<"$d/finished")
  elif [[ -f $d/pid ]]; then
    pid=$(<"$d/pid")
    if kill -0 "$pid" 2>/dev/null; then
      status=running
    else
      # The supervising wrapper died with the process (lab torn down underneath): report it as killed.
      status=exited code=137 pid=0 finished=$started
    fi
  fi
  [[ $status == running ]] || pid=0
  printf '{"Pid":%s,"Status":"%s","ExitCode":%s,"StartedAt":"%s","FinishedAt":"%s"}\n' \
    "$pid" "$status" "$code" "$started" "$finished"
}

ctr_is_running() { [[ $(ctr_runtime_json "$1") == *'"Status":"running"'* ]]; }

now_rfc3339() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }
