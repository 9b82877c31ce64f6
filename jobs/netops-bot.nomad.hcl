# netops-bot itself on Nomad: one Redis, the Slack front end (2 instances behind the ingress) and a worker pool
# scaled out (count = 3). All instances share the queues through Redis, so any bot may take a command and any
# worker may run it; each command still runs once (job id from Slack's trigger_id).
#
# The bots run Slack's HTTP receiver (NETOPS_FRONTEND=http) behind the ingress; the workers need only the bot token
# to post replies. test/e2e/packaging/deploy-files.test.ts renders the tasks' env blocks and templates and starts
# each task's command with that environment.
#
# Secrets are never in this file. They come from Nomad Variables (Nomad 1.4+), written once by an operator:
#   nomad var put nomad/jobs/netops-bot \
#     slack_bot_token=xoxb-… slack_signing_secret=… nomad_token=… consul_token=… ssh_private_key=@id_ed25519
# (With Vault instead: replace the nomadVar templates by {{ with secret "kv/data/netops-bot" }}…{{ end }} and add
#  a vault { policies = ["netops-bot"] } block to the tasks.)
# The bot's config (clusters, hosts with pinned host keys, tenants, policy) is a Nomad variable too
# (nomad/jobs/netops-bot/config, key netops_yaml), rendered to a file the tasks read with NETOPS_CONFIG. Both tasks
# read it: leave the Slack secrets out (each task reads the SLACK_* variables it gets) and reference worker-only
# secrets as optional, e.g. token: { env: NOMAD_TOKEN, optional: true }; an SSH key as keyFile: ssh/id_ed25519.
job "netops-bot" {
  datacenters = ["dc1"]
  type        = "service"

  update {
    max_parallel     = 1
    health_check     = "checks"
    min_healthy_time = "5s"
    healthy_deadline = "2m"
    auto_revert      = true
  }

  # The queues. Users bringing their own Redis drop this group and point REDIS_URL at it; it must run with
  # appendonly yes, appendfsync everysec and maxmemory-policy noeviction (BullMQ must never lose a key).
  group "redis" {
    count = 1

    volume "redis-data" {
      type   = "host"
      source = "netops-redis"
    }

    network {
      port "redis" { to = 6379 }
    }

    task "redis" {
      driver = "docker"

      config {
        image = "redis:7"
        ports = ["redis"]
        args  = ["redis-server", "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction"]
      }

      volume_mount {
        volume      = "redis-data"
        destination = "/data"
      }

      resources {
        cpu    = 200
        memory = 256
      }

      service {
        name     = "netops-redis"
        port     = "redis"
        provider = "consul"

        check {
          type     = "tcp"
          interval = "10s"
          timeout  = "2s"
        }
      }
    }
  }

  # The Slack front end: verifies, parses, authorizes, queues and acks; also delivers replies (notify queue).
  group "bot" {
    count = 2

    network {
      port "http" { to = 3000 }
    }

    task "bot" {
      driver = "docker"

      config {
        image   = "netops-bot:latest"
        ports   = ["http"]
        command = "npx"
        args    = ["tsx", "src/main/bot.ts"]
      }

      template {
        destination = "secrets/netops.yaml"
        change_mode = "restart"
        data        = <<-EOT
        {{ with nomadVar "nomad/jobs/netops-bot/config" }}{{ .netops_yaml }}{{ end }}
        EOT
      }

      template {
        destination = "secrets/env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        {{ with nomadVar "nomad/jobs/netops-bot" }}
        SLACK_BOT_TOKEN={{ .slack_bot_token }}
        SLACK_SIGNING_SECRET={{ .slack_signing_secret }}
        {{ end }}
        {{ range service "netops-redis" }}REDIS_URL=redis://{{ .Address }}:{{ .Port }}{{ end }}
        EOT
      }

      env {
        NETOPS_FRONTEND = "http"
        NETOPS_CONFIG   = "${NOMAD_SECRETS_DIR}/netops.yaml"
        LOG_LEVEL       = "info"
      }

      resources {
        cpu    = 300
        memory = 384
      }

      service {
        name     = "netops-bot"
        port     = "http"
        provider = "consul"
        tags     = ["slack", "metrics"]

        check {
          name     = "ready"
          type     = "http"
          path     = "/readyz"
          interval = "10s"
          timeout  = "2s"
        }

        check {
          name     = "alive"
          type     = "http"
          path     = "/healthz"
          interval = "10s"
          timeout  = "2s"

          check_restart {
            limit = 3
            grace = "30s"
          }
        }
      }

      # Jobs in flight finish (up to the workers' 30 s grace) before the task is killed.
      kill_timeout = "45s"
    }
  }

  # The workers: Nomad, Consul and SSH happen here. Scale with count; every worker takes from the same queues.
  group "worker" {
    count = 3

    network {
      port "metrics" { to = 9464 }
    }

    task "worker" {
      driver = "docker"

      config {
        image   = "netops-bot:latest"
        ports   = ["metrics"]
        command = "npx"
        args    = ["tsx", "src/main/worker.ts"]
      }

      template {
        destination = "secrets/netops.yaml"
        change_mode = "restart"
        data        = <<-EOT
        {{ with nomadVar "nomad/jobs/netops-bot/config" }}{{ .netops_yaml }}{{ end }}
        EOT
      }

      template {
        destination = "secrets/ssh/id_ed25519"
        perms       = "0600"
        change_mode = "restart"
        data        = <<-EOT
        {{ with nomadVar "nomad/jobs/netops-bot" }}{{ .ssh_private_key }}{{ end }}
        EOT
      }

      template {
        destination = "secrets/env"
        env         = true
        change_mode = "restart"
        data        = <<-EOT
        {{ with nomadVar "nomad/jobs/netops-bot" }}
        SLACK_BOT_TOKEN={{ .slack_bot_token }}
        NOMAD_TOKEN={{ .nomad_token }}
        CONSUL_TOKEN={{ .consul_token }}
        {{ end }}
        {{ range service "netops-redis" }}REDIS_URL=redis://{{ .Address }}:{{ .Port }}{{ end }}
        EOT
      }

      env {
        NETOPS_CONFIG       = "${NOMAD_SECRETS_DIR}/netops.yaml"
        NETOPS_METRICS_PORT = "9464"
        LOG_LEVEL           = "info"
      }

      resources {
        cpu    = 500
        memory = 512
      }

      service {
        name     = "netops-worker"
        port     = "metrics"
        provider = "consul"
        tags     = ["metrics"]

        check {
          name     = "ready"
          type     = "http"
          path     = "/readyz"
          interval = "10s"
          timeout  = "2s"
        }
      }

      kill_timeout = "45s"
    }
  }
}
