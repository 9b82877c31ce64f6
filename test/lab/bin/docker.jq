# Renders the lab's container records in the docker CLI's formats. Input: {meta, rt} pairs, where meta is the
# static record written by `docker run` and rt the runtime state (pid, status, exit code, times).

def zero_time: "0001-01-01T00:00:00Z";

# Docker's go-units HumanDuration.
def human_duration($s):
  if $s < 1 then "Less than a second"
  elif $s == 1 then "1 second"
  elif $s < 60 then "\($s) seconds"
  elif ($s / 60 | floor) == 1 then "About a minute"
  elif $s < 3600 then "\($s / 60 | floor) minutes"
  elif ($s / 3600 | round) == 1 then "About an hour"
  elif $s < 172800 then "\($s / 3600 | round) hours"
  elif $s < 1209600 then "\($s / 86400 | round) days"
  elif $s < 7776000 then "\($s / 604800 | round) weeks"
  elif $s < 63072000 then "\($s / 2592000 | round) months"
  else "\($s / 31536000 | floor) years" end;

def epoch_of($t): $t | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601;

def ago($t; $now): human_duration(($now - epoch_of($t)) | floor);

def endpoint($n):
  { IPAMConfig: null, Links: null, Aliases: null, NetworkID: ($n.NetworkID // ""), EndpointID: ($n.EndpointID // ""),
    Gateway: ($n.Gateway // ""), IPAddress: ($n.IPAddress // ""), IPPrefixLen: ($n.IPPrefixLen // 0),
    IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: ($n.MacAddress // ""),
    DriverOpts: null };

# `docker inspect` document of one container.
def inspect_doc:
  .meta as $m | .rt as $rt | ($m.Networks.bridge // {}) as $br
  | { Id: $m.Id, Created: $m.Created, Path: $m.Path, Args: $m.Args,
      State: { Status: $rt.Status, Running: ($rt.Status == "running"), Paused: false, Restarting: false,
               OOMKilled: false, Dead: false, Pid: $rt.Pid, ExitCode: $rt.ExitCode, Error: "",
               StartedAt: $rt.StartedAt, FinishedAt: $rt.FinishedAt },
      Image: $m.ImageId, ResolvConfPath: "", HostnamePath: "", HostsPath: "", LogPath: $m.LogPath,
      Name: "/\($m.Name)", RestartCount: 0, Driver: "overlay2", Platform: "linux",
      HostConfig: { NetworkMode: $m.Mode, AutoRemove: $m.AutoRemove },
      Config: { Hostname: $m.Id[0:12], Env: $m.Env, Cmd: $m.Cmd, Image: $m.Image, Entrypoint: $m.Entrypoint,
                Labels: $m.Labels },
      NetworkSettings: { Bridge: "", SandboxID: $m.Id, SandboxKey: (if $m.Ns == "" then "" else "/run/netns/\($m.Ns)" end),
                         Ports: {}, EndpointID: ($br.EndpointID // ""), Gateway: ($br.Gateway // ""),
                         GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, IPAddress: ($br.IPAddress // ""),
                         IPPrefixLen: ($br.IPPrefixLen // 0), IPv6Gateway: "", MacAddress: ($br.MacAddress // ""),
                         Networks: ($m.Networks | map_values(endpoint(.))) } };

# Value printing like Go's text/template: maps as map[k:v], slices as [a b], nil as <no value>.
def gofmt:
  if type == "string" then .
  elif type == "null" then "<no value>"
  elif type == "object" then "map[" + (to_entries | map("\(.key):\(.value | gofmt)") | join(" ")) + "]"
  elif type == "array" then "[" + (map(gofmt) | join(" ")) + "]"
  else tostring end;

def tpl_path($doc; $path; $what):
  reduce ($path | ltrimstr(".") | split(".") | .[] | select(. != "")) as $k ($doc;
    if type == "object" and has($k) then .[$k]
    elif type == "object" then error("template: :1: executing \"\" at <\($path)>: map has no entry for key \"\($k)\"")
    else error("template: :1: executing \"\" at <\($path)>: can't evaluate field \($k) in type \($what)") end);

# Resolves `.A.B` against $doc, or `$v.A.B` / `$k` against the range variables $vars.
def tpl_ref($ref; $doc; $vars; $what):
  if ($ref | startswith("$")) then
    ($ref | capture("^\\$(?<n>[A-Za-z0-9_]+)(?<p>(\\.[A-Za-z0-9_]+)*)$")) as $c
    | if ($vars | has($c.n)) | not then error("template: :1: undefined variable \"$\($c.n)\"")
      else tpl_path($vars[$c.n]; $c.p; $what) end
  else tpl_path($doc; $ref; $what) end;

# Evaluates one {{action}} of the supported subset.
def tpl_action($doc; $vars; $what):
  (ltrimstr("{{") | rtrimstr("}}") | gsub("^-? +| +-?$"; "")) as $a
  | "(\\.|\\$[A-Za-z0-9_]+)[A-Za-z0-9_.]*" as $ref
  | if ($a | test("^json \($ref)$")) then tpl_ref($a[5:]; $doc; $vars; $what) | tojson
    elif ($a | test("^\($ref)$")) then tpl_ref($a; $doc; $vars; $what) | gofmt
    elif ($a | test("^index \($ref) \"[^\"]*\"$")) then
      ($a | capture("^index (?<p>\\S+) \"(?<k>[^\"]*)\"$")) as $c
      | (tpl_ref($c.p; $doc; $vars; $what)[$c.k] // "") | gofmt
    elif ($a | test("^\\.Label \"[^\"]*\"$")) then ($a | capture("\"(?<k>[^\"]*)\"")) as $c | ($doc.LabelMap[$c.k] // "")
    else error("template: :1: function \"\($a | split(" ")[0])\" not defined") end;

def render_flat($fmt; $doc; $vars; $what):
  [$fmt | scan("\\{\\{.*?\\}\\}|[^{]+|\\{")] | map(if startswith("{{") then tpl_action($doc; $vars; $what) else . end)
  | join("");

# Go templates, plus {{range [$k, $v :=] .Path}}…{{end}} (not nested): maps in key order, lists in order.
def render_tpl($fmt; $doc; $what):
  def walk_tpl($f):
    ([$f | capture("^(?<pre>.*?)\\{\\{-? *range +(?<hdr>[^}]*?) *-?\\}\\}(?<body>.*?)\\{\\{-? *end *-?\\}\\}(?<post>.*)$"; "s")]
     | first // null) as $c
    | if $c == null then render_flat($f; $doc; {}; $what)
      else
        ([$c.hdr | capture("^(\\$(?<k>[A-Za-z0-9_]+) *, *)?(\\$(?<v>[A-Za-z0-9_]+) *:= *)?(?<p>\\S+)$")] | first
         // error("template: :1: unsupported range \"\($c.hdr)\"")) as $h
        | tpl_ref($h.p; $doc; {}; $what) as $coll
        | (if ($coll | type) == "object" then $coll | to_entries | sort_by(.key)
           elif ($coll | type) == "array" then $coll | to_entries
           else [] end) as $items
        | render_flat($c.pre; $doc; {}; $what)
          + ($items | map(. as $it | render_flat($c.body; $it.value;
              (if $h.k then {($h.k): $it.key} else {} end) + (if $h.v then {($h.v): $it.value} else {} end); $what))
             | join(""))
          + walk_tpl($c.post)
      end;
  walk_tpl($fmt);

# `docker ps` row: the fields the formatter exposes (ContainerContext).
def ps_row($now; $notrunc):
  .meta as $m | .rt as $rt
  | ([$m.Path] + $m.Args | join(" ")) as $cmd
  | { ID: (if $notrunc then $m.Id else $m.Id[0:12] end), Image: $m.Image,
      Command: ("\"" + (if $notrunc or ($cmd | length) <= 20 then $cmd else $cmd[0:19] + "…" end) + "\""),
      CreatedAt: ($m.Created | sub("\\.[0-9]+Z$"; "Z") | fromdateiso8601 | strftime("%Y-%m-%d %H:%M:%S +0000 UTC")),
      RunningFor: (ago($m.Created; $now) + " ago"), Ports: "", State: $rt.Status,
      Status: (if $rt.Status == "running" then "Up " + ago($rt.StartedAt; $now)
               elif $rt.Status == "exited" then "Exited (\($rt.ExitCode)) " + ago($rt.FinishedAt; $now) + " ago"
               else "Created" end),
      Size: "0B", Names: $m.Name, Labels: ($m.Labels | to_entries | map("\(.key)=\(.value)") | join(",")),
      Mounts: "", Networks: ($m.Networks | keys | join(",")), LocalVolumes: "0", LabelMap: $m.Labels };

def ps_filter_ok($filters):
  .meta as $m | .rt as $rt
  | ($filters | group_by(.key) | all(.[]; any(.[];
      .value as $v
      | if .key == "name" then ("/" + $m.Name) | test($v)
        elif .key == "label" then ($v | index("=")) as $i
          | if $i == null then $m.Labels | has($v) else $m.Labels[$v[0:$i]] == $v[$i + 1:] end
        elif .key == "status" then $rt.Status == $v
        elif .key == "id" then $m.Id | startswith($v)
        else error("invalid filter '\(.key)'") end)));

def header_of: {ID: "CONTAINER ID", Image: "IMAGE", Command: "COMMAND", CreatedAt: "CREATED AT",
  RunningFor: "CREATED", Ports: "PORTS", State: "STATE", Status: "STATUS", Size: "SIZE", Names: "NAMES",
  Labels: "LABELS", Mounts: "MOUNTS", Networks: "NETWORKS", LocalVolumes: "LOCAL VOLUMES"};

# Lays out tab-separated lines like the docker CLI's tabwriter (minwidth 10, padding 3).
def tabulate:
  map(split("\t")) as $rows
  | ([$rows[] | length] | max // 0) as $n
  | [range(0; $n) as $i | [$rows[] | (.[$i] // "") | length] | max + 3 | if . < 10 then 10 else . end] as $w
  | $rows[] | length as $len | to_entries
  | map(if .key < ($len - 1) then .value + (" " * ($w[.key] - (.value | length))) else .value end)
  | join("") | sub(" +$"; "");

def ps_render($fmt; $now; $notrunc; $quiet; $filters):
  [.[] | select(ps_filter_ok($filters))] | sort_by(.meta.Created) | reverse
  | map(ps_row($now; $notrunc)) as $rows
  | if $quiet then $rows[] | .ID
    else
      ($fmt // "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}") as $f0
      | ($f0 | startswith("table")) as $table
      | ($f0 | if $table then .[5:] else . end | gsub("^ +| +$"; "") | gsub("\\\\t"; "\t") | gsub("\\\\n"; "\n")) as $f
      | if $table then
          [render_tpl($f; header_of; "*formatter.ContainerContext")] + [$rows[] | render_tpl($f; .; "*formatter.ContainerContext")]
          | tabulate
        else $rows[] | render_tpl($f; .; "*formatter.ContainerContext") end
    end;
