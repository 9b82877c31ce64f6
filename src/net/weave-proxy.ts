/**
 * Where `weave launch` opens its Docker API proxy when Docker itself listens on a Unix socket (weaveworks/weave
 * v2.8.1 weave:1067-1071; `weave env` prints it as DOCKER_HOST). Only containers created through this socket get
 * WEAVE_CIDR addresses: the proxy attaches just the containers whose entrypoint it rewrote to weavewait on create
 * (proxy/proxy.go:399-401, proxy/create_container_interceptor.go:51-66).
 */
export const WEAVE_PROXY_SOCKET = 'unix:///var/run/weave/weave.sock';
