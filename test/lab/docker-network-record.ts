/** A Docker network the lab made on a host (flannel, routed), as the lab's `docker` reads it from the host state. */
export interface DockerNetworkRecord {
  id: string;
  bridge: string;
  subnet: string;
  gateway: string;
  mtu: number;
}
