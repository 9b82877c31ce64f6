# Docker's version as the lab models it (sourced by bin/docker and bin/weave). LAB_DOCKER_VERSION (lab.env, `up
# --docker-version`) is both the CLI's and the Engine's release; each release speaks the API version it shipped with.
# shellcheck shell=bash
# shellcheck disable=SC2034 # sourced: the variables set here are read by the scripts that source it

# API version of a Docker release (docker/cli vendor/github.com/docker/docker/api/common.go DefaultVersion per tag:
# v19.03 1.40, v20.10 1.41, v23.0 1.42, v24.0 1.43, v25.0 1.44, v26.0 1.45, v27.0 1.46).
docker_api_version() { # <release>
  case ${1%.*} in
  19.03) echo 1.40 ;;
  20.10) echo 1.41 ;;
  23.0) echo 1.42 ;;
  24.0) echo 1.43 ;;
  25.0) echo 1.44 ;;
  26.*) echo 1.45 ;;
  *) echo 1.46 ;;
  esac
}

# Release as a comparable number: 19.03.15 -> 1903, 25.0.3 -> 2500.
docker_release_number() { # <release>
  local major minor
  IFS=. read -r major minor _ <<<"$1"
  echo $((10#$major * 100 + 10#$minor))
}

# `docker ps --format` gained `.State` in docker/cli 1fdbd6181e, first released in v20.10.0
# (cli/command/formatter/container.go:203); older CLIs fail executing the template.
docker_cli_has_state() { (($(docker_release_number "${LAB_DOCKER_VERSION:-24.0.7}") >= 2010)); }

# Engine 25 raised the minimum API version to 1.24 (docs: "DOCKER_MIN_API_VERSION", Docker Engine 25 release notes),
# so clients pinned to 1.18 get this answer: Weave 2.8.1's proxy (proxy/proxy.go:142) and weaveutil
# (prog/weaveutil/addrs.go:17) are (weaveworks/weave#4002).
docker_rejects_api_118() { (($(docker_release_number "${LAB_DOCKER_VERSION:-24.0.7}") >= 2500)); }
DOCKER_API_118_ERROR='Error response from daemon: client version 1.18 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version'
