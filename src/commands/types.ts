import type { z } from 'zod';

/**
 * How a command is carried out:
 * - `local`: answered by the chat side at once without touching the cluster (help, jobs, cancel);
 * - `read`: queued on the read queue; idempotent, may retry;
 * - `write`: queued on the write queue; changes the cluster with check-and-set, so a retry is safe;
 * - `ssh`: queued on the ssh queue; runs commands on hosts, never re-run on a stall.
 */
export type ExecutionKind = 'local' | 'read' | 'write' | 'ssh';

/** One command of the grammar: its typed args, help and examples. Help is generated from these. */
export interface CommandSpec<Args = unknown> {
  /** Name without slash; for sub-commands `cni-bench history`, the spec name is `cni-bench-history`. */
  name: string;
  /** The words the user types after the slash, e.g. ['cni-bench', 'history']. */
  words: string[];
  summary: string;
  /** Usage line shown in errors and help, e.g. `/deploy <job> subnet=<tenant> [count=N] [image=REF]`. */
  usage: string;
  /** Extra help lines (argument meanings, ranges, rating thresholds). */
  details?: string[];
  examples: string[];
  execution: ExecutionKind;
  /** Changes the cluster (subject to approvals). */
  writes: boolean;
  /** Typed, validated arguments; built from positional and key=value tokens by the grammar. */
  args: z.ZodType<Args>;
  /** Positional argument names in order; the grammar maps positional tokens onto these keys. */
  positional: string[];
  /** key=value names accepted. */
  options: string[];
}

/** Output of the grammar: a known command with validated args. */
export interface ParsedCommand<Args = Record<string, unknown>> {
  /** Spec name, e.g. `deploy`, `cni-bench-history`. */
  name: string;
  args: Args;
  /** The sanitized command text, with a leading slash, e.g. `/deploy httpbackend subnet=tenant-b`. */
  text: string;
}
