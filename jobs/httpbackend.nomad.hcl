# The article's HTTP backend, in HCL2. netops-bot renders it per tenant before submitting it:
#   job ID   -> "httpbackend-<tenant>" (tenants never overwrite each other)
#   WEAVE_CIDR -> "net:<tenant subnet>" (proxy mode), or config.network_mode for plugin mode
#   meta     -> tenant, netops_managed
# Nomad registers the service below with the docker-bridge address (address_mode = "driver" in proxy mode):
# the known Nomad + Weave problem. netops-bot then registers every allocation's real overlay IP in Consul as
# "<service>-<tenant>" (e.g. httpbackend-tenant-b), which is the name clients should resolve.
job "httpbackend" {
  datacenters = ["dc1"]
  type        = "service"

  update {
    max_parallel      = 2
    health_check      = "checks"
    min_healthy_time  = "2s"
    healthy_deadline  = "1m"
    progress_deadline = "2m"
    auto_revert       = false
  }

  group "httpbackend" {
    count = 2

    restart {
      attempts = 1
      delay    = "2s"
      interval = "1m"
      mode     = "fail"
    }

    task "httpbackend" {
      driver = "docker"

      config {
        image       = "bigwhite/httpbackendservice:v1.0.0"
        dns_servers = ["172.17.0.1"]
      }

      env {
        WEAVE_CIDR = "net:default"
      }

      resources {
        cpu    = 100
        memory = 128
      }

      service {
        name         = "httpbackend"
        port         = 8081
        address_mode = "driver"
        tags         = ["http"]

        check {
          type         = "http"
          path         = "/"
          port         = 8081
          address_mode = "driver"
          interval     = "5s"
          timeout      = "2s"
        }
      }
    }
  }
}
