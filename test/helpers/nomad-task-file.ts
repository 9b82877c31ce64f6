import { readFileSync } from 'node:fs';
import { parse } from '@cdktf/hcl2json';

/** A template block of a task: where it renders, its text, and whether it is read back as environment. */
interface NomadTemplate {
  destination: string;
  data: string;
  env: boolean;
  perms?: string;
}

/** What a task of a Nomad job file runs, and what gives it its environment. */
export interface NomadTask {
  command: string;
  args: string[];
  /** The task's `env` block, not interpolated yet. */
  env: Record<string, string>;
  templates: NomadTemplate[];
  /** The group's network ports: label → `to` (the port inside the container). */
  ports: Record<string, number>;
}

type Block = Record<string, unknown>;
const first = (list: unknown): Block => ((list as Block[] | undefined)?.[0] ?? {}) as Block;

/** Reads one task of a jobspec (HCL2, parsed with @cdktf/hcl2json as the lab's Nomad does). */
export async function readNomadTask(file: string, group: string, task: string): Promise<NomadTask> {
  const doc = (await parse(file, readFileSync(file, 'utf8'))) as { job?: Record<string, Block[]> };
  const job = first(Object.values(doc.job ?? {})[0]);
  const g = first((job.group as Record<string, unknown>)?.[group]);
  const t = first((g.task as Record<string, unknown>)?.[task]);
  const config = first(t.config);
  const ports: Record<string, number> = {};
  for (const [label, spec] of Object.entries((first(g.network).port as Record<string, unknown>) ?? {})) {
    ports[label] = Number(first(spec).to);
  }
  return {
    command: String(config.command ?? ''),
    args: ((config.args as unknown[]) ?? []).map(String),
    env: Object.fromEntries(Object.entries(first(t.env)).map(([k, v]) => [k, String(v)])),
    templates: ((t.template as Block[]) ?? []).map((tpl) => ({
      destination: String(tpl.destination),
      data: String(tpl.data),
      env: tpl.env === true,
      ...(tpl.perms ? { perms: String(tpl.perms) } : {}),
    })),
    ports,
  };
}

/** What a template may look up: Nomad variables by path and Consul services by name. */
export interface TemplateSources {
  variables: Record<string, Record<string, string>>;
  services: Record<string, Array<{ Address: string; Port: number }>>;
}

type TemplateNode =
  | { kind: 'text'; text: string }
  | { kind: 'field'; name: string }
  | { kind: 'with-var'; path: string; body: TemplateNode[] }
  | { kind: 'range-service'; name: string; body: TemplateNode[] };

/**
 * Renders the consul-template subset the job uses: `{{ with nomadVar "path" }}…{{ end }}`,
 * `{{ range service "name" }}…{{ end }}` and `{{ .Field }}`. Anything else throws, and so does a field the
 * variable does not have (the stricter choice: Go's text/template would print `<no value>`).
 */
export function renderNomadTemplate(data: string, sources: TemplateSources): string {
  return evaluate(parseTemplate(data), undefined, sources);
}

function parseTemplate(data: string): TemplateNode[] {
  const tokens = data.split(/(\{\{[^}]*\}\})/);
  let pos = 0;
  const parseUntilEnd = (nested: boolean): TemplateNode[] => {
    const nodes: TemplateNode[] = [];
    while (pos < tokens.length) {
      const token = tokens[pos++] ?? '';
      const action = /^\{\{\s*(.*?)\s*\}\}$/.exec(token)?.[1];
      if (action === undefined) {
        if (token !== '') nodes.push({ kind: 'text', text: token });
        continue;
      }
      if (action === 'end') {
        if (!nested) throw new Error('unexpected {{ end }}');
        return nodes;
      }
      nodes.push(parseAction(action, () => parseUntilEnd(true)));
    }
    if (nested) throw new Error('missing {{ end }}');
    return nodes;
  };
  return parseUntilEnd(false);
}

/** One `{{ … }}` action; `body` parses up to the matching `{{ end }}`. */
function parseAction(action: string, body: () => TemplateNode[]): TemplateNode {
  const withVar = /^with nomadVar "([^"]+)"$/.exec(action);
  if (withVar) return { kind: 'with-var', path: withVar[1]!, body: body() };
  const rangeService = /^range service "([^"]+)"$/.exec(action);
  if (rangeService) return { kind: 'range-service', name: rangeService[1]!, body: body() };
  const field = /^\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(action);
  if (field) return { kind: 'field', name: field[1]! };
  throw new Error(`template action not modelled: {{ ${action} }}`);
}

function evaluate(nodes: TemplateNode[], dot: Record<string, unknown> | undefined, sources: TemplateSources): string {
  return nodes.map((node) => evaluateNode(node, dot, sources)).join('');
}

function evaluateNode(node: TemplateNode, dot: Record<string, unknown> | undefined, sources: TemplateSources): string {
  if (node.kind === 'text') return node.text;
  if (node.kind === 'field') {
    if (!dot || !(node.name in dot)) throw new Error(`template refers to .${node.name}, which is not set`);
    return String(dot[node.name]);
  }
  if (node.kind === 'with-var') {
    const items = sources.variables[node.path];
    return items ? evaluate(node.body, items, sources) : '';
  }
  return (sources.services[node.name] ?? []).map((s) => evaluate(node.body, s, sources)).join('');
}

/**
 * Parses a rendered `env = true` template the way Nomad does (hashicorp/go-envparse via loadTemplateEnv,
 * client/allocrunner/taskrunner/template/template.go @v1.11.3): `KEY=value` lines, blank lines and `#` comments
 * skipped. A line that is neither throws.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`env template line is not KEY=value: ${JSON.stringify(line)}`);
    env[m[1]!] = m[2]!;
  }
  return env;
}

/** Nomad's interpolation of `${NOMAD_…}` runtime variables in env values; an unknown one throws. */
export function interpolateNomad(value: string, runtime: Record<string, string>): string {
  return value.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    const v = runtime[name];
    if (v === undefined) throw new Error(`no runtime variable ${name} in this model`);
    return v;
  });
}
