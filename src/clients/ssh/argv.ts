import type { z } from 'zod';
import { ErrorCode, NetopsError, UsageError } from '../../errors.js';
import { joinShellLine } from './quote.js';
import type { SshCommand } from './types.js';

/** A value check: a regex (matched against the WHOLE value) or a zod string schema. */
export type ParamCheck = RegExp | z.ZodType<string>;

/** Parameter kinds a template can declare. */
export type ParamSpec =
  | { kind: 'value'; check: ParamCheck; optional?: boolean }
  | { kind: 'list'; check: ParamCheck; maxItems: number }
  | { kind: 'flag' };

/** Declares a required (or optional) single value. */
export const value = (check: ParamCheck, optional = false): ParamSpec => ({ kind: 'value', check, optional });
/** Declares a bounded list whose elements each pass `check`; spread where `{name...}` stands. */
export const list = (check: ParamCheck, maxItems: number): ParamSpec => ({ kind: 'list', check, maxItems });
/** Declares a boolean switch for `{ if: name, argv: [...] }` groups. */
export const flag = (): ParamSpec => ({ kind: 'flag' });

/**
 * An argv element: a literal with `{param}` placeholders, a list spread `{param...}` (alone), or a group
 * included only when `if` names a set flag or a provided optional value.
 */
type ArgvElement = string | { if: string; argv: string[] };

/** An allowlisted command. */
export interface TemplateSpec {
  name: string;
  /** What the bot uses it for (shown in docs and errors). */
  purpose: string;
  argv: ArgvElement[];
  params: Record<string, ParamSpec>;
}

/** Values passed to {@link buildCommand}. */
export type TemplateParams = Record<string, string | number | boolean | readonly string[] | undefined>;

const registry = new Map<string, TemplateSpec>();
const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9]*)\}/g;
const SPREAD = /^\{([a-zA-Z][a-zA-Z0-9]*)\.\.\.\}$/;

/** Registers a template; a duplicate name or a placeholder without a declared param throws at load time. */
export function defineTemplate(spec: TemplateSpec): TemplateSpec {
  if (registry.has(spec.name)) throw new Error(`ssh template ${spec.name} defined twice`);
  const used = new Set<string>();
  const scan = (el: string) => {
    const spread = SPREAD.exec(el);
    if (spread) used.add(spread[1]!);
    for (const m of el.matchAll(PLACEHOLDER)) used.add(m[1]!);
  };
  for (const el of spec.argv) {
    if (typeof el === 'string') scan(el);
    else {
      used.add(el.if);
      el.argv.forEach(scan);
    }
  }
  for (const name of used) {
    if (!spec.params[name]) throw new Error(`ssh template ${spec.name}: {${name}} has no param spec`);
  }
  registry.set(spec.name, spec);
  return spec;
}

/** Every registered template (for docs and tests). */
export function listTemplates(): TemplateSpec[] {
  return [...registry.values()];
}

/**
 * Builds a command from a registered template. Every value is checked against its pattern before anything
 * is sent (a bad value is a UsageError), then every argv element is single-quoted into one shell line.
 */
export function buildCommand(templateName: string, params: TemplateParams = {}): SshCommand {
  const spec = registry.get(templateName);
  if (!spec) throw new NetopsError(ErrorCode.Internal, `unknown ssh template ${templateName}`);
  for (const key of Object.keys(params)) {
    if (!spec.params[key]) throw new NetopsError(ErrorCode.Internal, `ssh template ${spec.name} has no param ${key}`);
  }
  const argv: string[] = [];
  for (const el of spec.argv) {
    if (typeof el === 'string') argv.push(...expandElement(spec, el, params));
    else if (isProvided(spec.params[el.if]!, params[el.if])) {
      for (const inner of el.argv) argv.push(...expandElement(spec, inner, params));
    }
  }
  return { template: spec.name, argv, line: joinShellLine(argv) };
}

function isProvided(p: ParamSpec, v: TemplateParams[string]): boolean {
  if (p.kind === 'flag') return v === true;
  return v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
}

function expandElement(spec: TemplateSpec, el: string, params: TemplateParams): string[] {
  const spread = SPREAD.exec(el);
  if (spread) {
    const name = spread[1]!;
    const p = spec.params[name]!;
    const raw = params[name] ?? [];
    if (p.kind !== 'list' || !Array.isArray(raw)) {
      throw new NetopsError(ErrorCode.Internal, `ssh template ${spec.name}: ${name} must be a list`);
    }
    if (raw.length > p.maxItems) throw new UsageError(`${name}: at most ${p.maxItems} items allowed`);
    return raw.map((item, i) => checkValue(spec, `${name}[${i}]`, p.check, item));
  }
  return [
    el.replace(PLACEHOLDER, (_m, name: string) => {
      const p = spec.params[name]!;
      const raw = params[name];
      if (p.kind !== 'value' || raw === undefined || typeof raw === 'boolean' || Array.isArray(raw)) {
        throw new NetopsError(ErrorCode.Internal, `ssh template ${spec.name}: missing value for ${name}`);
      }
      return checkValue(spec, name, p.check, String(raw));
    }),
  ];
}

function checkValue(spec: TemplateSpec, name: string, check: ParamCheck, v: string): string {
  const ok = check instanceof RegExp ? wholeMatch(check).test(v) : check.safeParse(v).success;
  if (!ok) {
    const shown = JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
    throw new UsageError(`invalid ${name} ${shown} for ${spec.name}`);
  }
  return v;
}

const anchored = new WeakMap<RegExp, RegExp>();
// Patterns are written unanchored for readability; a partial match must never pass.
function wholeMatch(re: RegExp): RegExp {
  let a = anchored.get(re);
  if (!a) {
    a = new RegExp(`^(?:${re.source})$`, re.flags.replace(/[gmy]/g, ''));
    anchored.set(re, a);
  }
  return a;
}
