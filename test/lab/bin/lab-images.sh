# The lab's image table. No image is pulled: a container runs a process from this machine's filesystem inside
# its own network namespace. Sourced by bin/docker.
#
# image_resolve <image ref> <container dir> sets IMAGE_REF (with tag), IMAGE_ENTRY and IMAGE_CMD (arrays);
# returns 1 for an image the lab does not have.

image_resolve() {
  local ref=$1 dir=$2 repo tag
  repo=${ref%:*}
  tag=${ref##*:}
  if [[ $repo == "$ref" || $tag == *'/'* ]]; then
    repo=$ref
    tag=latest
  fi
  IMAGE_REF=$repo:$tag
  IMAGE_ENTRY=()
  IMAGE_CMD=()
  case $repo in
  busybox | library/busybox | docker.io/library/busybox)
    # Real busybox runs `sh`, which exits at once without a tty; a sleeper is what the lab needs.
    IMAGE_CMD=(sleep 3600000)
    ;;
  bigwhite/httpbackendservice | docker.io/bigwhite/httpbackendservice)
    if [[ $tag == crash ]]; then
      IMAGE_CMD=(sh -c 'echo "httpbackendservice: fatal: cannot start" >&2; sleep 1; exit 1')
    else
      mkdir -p "$dir/www"
      printf 'this is httpbackendservice, version: %s\n' "$tag" >"$dir/www/index.html"
      IMAGE_ENTRY=(busybox httpd -f -p 0.0.0.0:8081 -h "$dir/www")
    fi
    ;;
  networkstatic/iperf3 | docker.io/networkstatic/iperf3)
    IMAGE_ENTRY=(iperf3)
    IMAGE_CMD=(--help)
    ;;
  nginx | library/nginx | docker.io/library/nginx)
    image_prepare_nginx_root
    IMAGE_CMD=(busybox httpd -f -p 0.0.0.0:80 -h "$LAB_STATE/images/nginx")
    ;;
  *)
    return 1
    ;;
  esac
}

# One shared document root: an index page and sparse test files for HTTP benchmarks (1M.bin, 10M.bin, 100M.bin).
image_prepare_nginx_root() {
  local root=$LAB_STATE/images/nginx size
  [[ -f $root/index.html ]] && return 0
  mkdir -p "$root"
  for size in 1M 10M 100M; do truncate -s "$size" "$root/$size.bin"; done
  printf '<!DOCTYPE html>\n<html><head><title>Welcome to nginx!</title></head><body><h1>Welcome to nginx!</h1></body></html>\n' \
    >"$root/index.html.tmp"
  mv "$root/index.html.tmp" "$root/index.html"
}
