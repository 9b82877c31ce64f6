import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { explainControlChar } from './fields.js';
import { describeReadFailure, type LoadIo } from './load-io.js';
import { markSecret } from './secret-registry.js';

/** Options of a secret field. */
export interface SecretFieldOptions {
  /** Environment variable read when the field is absent; an unset variable then leaves the field unset. */
  defaultEnv?: string;
  /** What the value is, for fixes, e.g. `a bot token (xoxb-…) from the Slack app's OAuth page`. */
  what: string;
}

type Ctx = z.core.$RefinementCtx<unknown>;

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const refKeys = new Set(['env', 'file', 'optional']);

function addProblem(ctx: Ctx, message: string, fix: string): undefined {
  ctx.addIssue({ code: 'custom', message, params: { fix } });
  return undefined;
}

function readEnv(name: string, optional: boolean, io: LoadIo, ctx: Ctx): string | undefined {
  const value = io.env[name];
  if (value === undefined) {
    return optional ? undefined : addProblem(ctx, `env ${name} is not set`, 'export it or remove {path}');
  }
  // An optional variable set to the empty string counts as unset: `${NAME:-}` in docker-compose.yml is how an
  // optional value is passed through (docker compose sets the variable, empty, when the shell has none).
  if (value.trim() === '') {
    return optional ? undefined : addProblem(ctx, `env ${name} is empty`, 'export a value or unset it');
  }
  return value.trim();
}

function readSecretFile(path: string, optional: boolean, io: LoadIo, ctx: Ctx): string | undefined {
  const fullPath = isAbsolute(path) ? path : resolve(io.configDir, path);
  let text: string;
  try {
    text = io.readFile(fullPath);
  } catch (err) {
    if (optional) return undefined;
    const reason = describeReadFailure(err);
    return addProblem(ctx, `file ${fullPath} cannot be read (${reason})`, 'create it, fix the path or remove {path}');
  }
  if (text.trim() === '') return addProblem(ctx, `file ${fullPath} is empty`, 'write the secret into it');
  return text.trim();
}

/** Where a secret came from, for messages: `env NAME` or `file /path`. */
function describeSource(ref: Record<string, unknown>): string {
  return typeof ref.env === 'string' ? `env ${ref.env}` : `file ${String(ref.file)}`;
}

function resolveRef(input: unknown, io: LoadIo, ctx: Ctx): string | undefined {
  const fix = 'write { env: NAME } or { file: /path }; secrets never go into the config file itself';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    // Never echo the input: it may be a pasted secret.
    return addProblem(ctx, 'must be a secret reference, not a literal value', fix);
  }
  const ref = input as Record<string, unknown>;
  const unknownKeys = Object.keys(ref).filter((k) => !refKeys.has(k));
  if (unknownKeys.length > 0) return addProblem(ctx, `has unknown key(s) ${unknownKeys.join(', ')}`, fix);
  if ((ref.env === undefined) === (ref.file === undefined))
    return addProblem(ctx, 'needs exactly one of env or file', fix);
  if (ref.optional !== undefined && typeof ref.optional !== 'boolean') {
    return addProblem(ctx, 'optional must be true or false', 'write optional: true or drop it');
  }
  const optional = ref.optional === true;
  if (ref.env !== undefined) {
    if (typeof ref.env !== 'string' || !envName.test(ref.env)) {
      return addProblem(ctx, 'env must be a variable name like SLACK_BOT_TOKEN', fix);
    }
    return readEnv(ref.env, optional, io, ctx);
  }
  if (typeof ref.file !== 'string' || ref.file === '') return addProblem(ctx, 'file must be a path', fix);
  return readSecretFile(ref.file, optional, io, ctx);
}

/**
 * A secret field: the file holds a reference `{ env: NAME }` or `{ file: /path }` (plus `optional: true` to
 * allow an unset variable or a missing file); the loaded config holds the resolved string, checked against
 * `value`. Check failures never quote the secret. An absent field is unset, or with `defaultEnv` the same as
 * `{ env: defaultEnv, optional: true }`.
 */
export function secret(value: z.ZodType<string>, io: LoadIo, opts: SecretFieldOptions) {
  const resolver = z.unknown().transform((input, ctx): string | undefined => {
    const resolved = resolveRef(input, io, ctx);
    if (resolved === undefined) return undefined;
    // A NUL or a newline inside a token becomes a different header or argument downstream; the secret is not shown.
    const control = explainControlChar(resolved);
    if (control)
      return addProblem(
        ctx,
        `the value of ${describeSource(input as Record<string, unknown>)} ${control}`,
        'write the secret without it',
      );
    const checked = value.safeParse(resolved);
    if (checked.success) return checked.data;
    const source = describeSource(input as Record<string, unknown>);
    const reasons = [...new Set(checked.error.issues.map((i) => i.message))].join('; ');
    return addProblem(ctx, `the value of ${source} ${reasons}`, `set it to ${opts.what}`);
  });
  const marked = markSecret(resolver.describe(opts.what));
  if (opts.defaultEnv === undefined) return marked.optional();
  return marked.prefault({ env: opts.defaultEnv, optional: true });
}
