# The lab's image table. No image is pulled: a container runs a process from this machine's filesystem inside
# its own network namespace. Sourced by bin/docker.
#
# image_resolve <image ref> <container dir> sets IMAGE_REF (with tag), IMAGE_ENTRY and IMAGE_CMD (arrays) and
# IMAGE_ROOT; returns 1 for an image the lab does not have.
#
# IMAGE_ROOT (stock images) is a directory modelling the image's filesystem where it matters:
#   bin/        the image's executables, and nothing else: the container's PATH (a tool the published image lacks
#               is "executable file not found in $PATH" in `docker exec`, as with Docker)
#   usr-share/  files the image adds under /usr/share; mounted over the machine's /usr/share with overlayfs in the
#               container's own mount namespace (bin/lab-image-mount), so writes stay in the container
# An empty IMAGE_ROOT keeps the older model (the machine's PATH): the app images of the Nomad jobs.

image_resolve() {
  local ref=$1 dir=$2 repo tag
  repo=${ref%:*}
  tag=${ref##*:}
  if [[ $repo == "$ref" || $tag == *'/'* ]]; then
    repo=$ref
    tag=latest
  fi
  repo=${repo#docker.io/}
  repo=${repo#library/}
  IMAGE_REF=$repo:$tag
  IMAGE_ENTRY=()
  IMAGE_CMD=()
  IMAGE_ROOT=''
  case $repo:$tag in
  busybox:latest)
    # Real busybox runs `sh`, which exits at once without a tty; a sleeper is what the lab's tests need (a known
    # leniency, see test/lab/README.md).
    IMAGE_CMD=(sleep 3600000)
    IMAGE_ROOT=$(image_root busybox image_build_busybox)
    ;;
  bigwhite/httpbackendservice:*)
    if [[ $tag == crash ]]; then
      IMAGE_CMD=(sh -c 'echo "httpbackendservice: fatal: cannot start" >&2; sleep 1; exit 1')
    else
      mkdir -p "$dir/www"
      printf 'this is httpbackendservice, version: %s\n' "$tag" >"$dir/www/index.html"
      IMAGE_ENTRY=(busybox httpd -f -p 0.0.0.0:8081 -h "$dir/www")
    fi
    ;;
  networkstatic/iperf3:latest)
    # nerdalert/iperf3 Dockerfile (the source of networkstatic/iperf3, commit af387a7 "Bump the slim release to
    # bullseye-slim"): FROM debian:bullseye-slim, apt-get install iperf3 (Debian bullseye: iperf3 3.9),
    # ENTRYPOINT ["iperf3"]. The machine's 3.12 runs behind a wrapper that reports 3.9 and prints 3.9's JSON.
    IMAGE_ENTRY=(iperf3)
    IMAGE_ROOT=$(image_root iperf3-3.9 image_build_iperf3_39)
    ;;
  lab/iperf3:3.12)
    # A site-built image, not on Docker Hub: FROM debian:bookworm-slim + apt-get install iperf3 (3.12, the
    # machine's own binary unchanged), ENTRYPOINT ["iperf3"]. Lets tests mix iperf3 versions.
    IMAGE_ENTRY=(iperf3)
    IMAGE_ROOT=$(image_root iperf3-3.12 image_build_iperf3_312)
    ;;
  nginx:latest)
    # nginxinc/docker-nginx mainline/debian/Dockerfile (b430bec): FROM debian:bookworm-slim; installs nginx,
    # gettext-base and curl; CMD ["nginx", "-g", "daemon off;"]; EXPOSE 80. The package's default.conf serves
    # /usr/share/nginx/html, which holds index.html and 50x.html only. busybox httpd stands in for nginx.
    IMAGE_ROOT=$(image_root nginx image_build_nginx)
    IMAGE_CMD=(nginx -g 'daemon off;')
    ;;
  *)
    image_resolve_transfer "$repo:$tag" "$dir" || return 1
    ;;
  esac
}

# shellcheck source=lab-images-transfer.sh
source "$LAB_BIN/lab-images-transfer.sh"

# Prints the root of an image, building it first (once per lab, atomically: concurrent `docker run`s race).
image_root() { # <key> <build function>
  local root=$LAB_STATE/images/$1 tmp
  if [[ ! -d $root ]]; then
    mkdir -p "$LAB_STATE/images"
    tmp=$(mktemp -d "$LAB_STATE/images/.build-$1.XXXXXX")
    "$2" "$tmp"
    mv -T "$tmp" "$root" 2>/dev/null || rm -rf "$tmp"
  fi
  echo "$root"
}

# Executables of debian:*-slim (its Essential packages), taken from this machine's Debian packages.
DEBIAN_SLIM_PACKAGES=(bash bsdutils coreutils dash debianutils diffutils findutils grep gzip hostname login mawk
  mount ncurses-bin passwd perl-base sed sysvinit-utils tar util-linux)

image_link_packages() { # <bin dir> <package…>
  local bin=$1 f
  shift
  mkdir -p "$bin"
  while read -r f; do
    [[ -x $f && ! -d $f ]] && ln -sf "$f" "$bin/${f##*/}"
  done < <(dpkg -L "$@" 2>/dev/null | grep -E '/s?bin/[^/]+$')
  ln -sf /bin/dash "$bin/sh"
}

image_build_busybox() { # <root>
  local a
  mkdir -p "$1/bin"
  for a in $(busybox --list); do ln -s /bin/busybox "$1/bin/$a"; done
  # The official image builds busybox with `make defconfig` (docker-library/busybox Dockerfile.builder), where
  # NC_110_COMPAT defaults to y: "This option makes nc closely follow original nc-1.10 ... enables -s ADDR, -n,
  # -u, -v, -o FILE, -z options" (busybox networking/nc.c). Debian's busybox lacks it; netcat-traditional is
  # nc 1.10 itself.
  ln -sf /usr/bin/nc.traditional "$1/bin/nc"
}

image_build_nginx() { # <root>
  image_link_packages "$1/bin" "${DEBIAN_SLIM_PACKAGES[@]}" curl gettext-base
  mkdir -p "$1/usr-share/nginx/html"
  # The nginx package's html directory: index.html and 50x.html, nothing else.
  cat >"$1/usr-share/nginx/html/index.html" <<'HTML'
<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and working.</p>
</body>
</html>
HTML
  cat >"$1/usr-share/nginx/html/50x.html" <<'HTML'
<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>
HTML
  # `nginx -g 'daemon off;'` with the image's default.conf: listen 80, root /usr/share/nginx/html.
  cat >"$1/bin/nginx" <<'SH'
#!/bin/sh
exec /bin/busybox httpd -f -p 0.0.0.0:80 -h /usr/share/nginx/html
SH
  chmod +x "$1/bin/nginx"
}

image_build_iperf3_312() { # <root>
  image_link_packages "$1/bin" "${DEBIAN_SLIM_PACKAGES[@]}" iperf3
}

image_build_iperf3_39() { # <root>
  image_link_packages "$1/bin" "${DEBIAN_SLIM_PACKAGES[@]}"
  cp "$LAB_BIN/iperf3-3.9" "$1/bin/iperf3"
}
