import type { CommandSpec } from '../types.js';

/** Identity helper that lets TypeScript infer a spec's `Args` from its schema. */
export function defineCommand<Args>(spec: CommandSpec<Args>): CommandSpec<Args> {
  return spec;
}
