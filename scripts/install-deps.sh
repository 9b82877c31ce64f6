#!/usr/bin/env bash
# Installs everything netops-bot, its tests and its lab need on a fresh Debian/Ubuntu machine (run as root):
# the Debian packages below when missing, then the npm dependencies from package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ]; }
have redis-server || need+=(redis-server)
have sshd || need+=(openssh-server)
have ssh || need+=(openssh-client)
have ssh-keygen || need+=(openssh-client)
have iperf3 || need+=(iperf3)
have ping || need+=(iputils-ping)
have busybox || need+=(busybox)
have nc || need+=(netcat-openbsd)
# The lab's busybox image: nc 1.10, like the official image's busybox nc (NC_110_COMPAT).
have nc.traditional || need+=(netcat-traditional)
# The lab's nginx image (curl, envsubst): its files are listed with dpkg -L.
dpkg -s gettext-base >/dev/null 2>&1 || need+=(gettext-base)
have dig || need+=(dnsutils)
have ip || need+=(iproute2)
have jq || need+=(jq)
have flock || need+=(util-linux)
have pgrep || need+=(procps)
have curl || need+=(curl)
have socat || need+=(socat)
# `npm run lint` checks the lab's bash with shellcheck; the lab's isolation rules (Weave's FORWARD rules, docker0
# --icc) use iptables inside the host namespaces.
have shellcheck || need+=(shellcheck)
have iptables || need+=(iptables)
# The lab's weave sends a gratuitous ARP for each overlay address it attaches or exposes, as weave does.
have arping || need+=(iputils-arping)
# The lab's vsftpd image (fauria/vsftpd) for /cni-bench tests=ftp: its files are listed with dpkg -L.
dpkg -s vsftpd >/dev/null 2>&1 || need+=(vsftpd)
# Chart PNGs (resvg) draw text only with a system font; the chart specs name DejaVu Sans.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  echo "install-deps: apt-get install ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Optional native parts (ssh2's cpu-features) may be skipped by npm's install-script policy: ssh2 works without.
npm ci --no-audit --no-fund
