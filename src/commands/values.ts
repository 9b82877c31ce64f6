import { z } from 'zod';
import { formatValue } from './grammar/format-value.js';

// Digits only: no sign, no exponent, no hex; six digits bound every value the grammar takes.
const INTEGER = /^[0-9]{1,6}$/;
/** How many ports one `port=` list may name; more would make a probe matrix nobody reads. */
const MAX_PORTS = 16;

/** Zod schema: decimal text → integer in `[min, max]`; the message names the range and the bad value. */
export function intSchema(min: number, max: number): z.ZodType<number, string> {
  return z.string().transform((text, ctx) => {
    const value = parseIntInRange(text, min, max);
    if (value === undefined) {
      ctx.issues.push({
        code: 'custom',
        message: `must be an integer from ${min} to ${max}, got ${formatValue(text)}`,
        input: text,
      });
      return z.NEVER;
    }
    return value;
  });
}

/** A TCP/UDP port, 1–65535. */
export const portSchema = intSchema(1, 65_535);

/** `80` or `80,443`: distinct ports, at most {@link MAX_PORTS}. */
export const portListSchema: z.ZodType<number[], string> = z.string().transform((text, ctx) => {
  const parts = text.split(',');
  const ports = parts.map((part) => parseIntInRange(part, 1, 65_535));
  const problem = findPortListProblem(parts, ports);
  if (problem !== undefined) {
    ctx.issues.push({ code: 'custom', message: problem, input: text });
    return z.NEVER;
  }
  return ports as number[];
});

function findPortListProblem(parts: string[], ports: Array<number | undefined>): string | undefined {
  const bad = parts.find((_part, i) => ports[i] === undefined);
  if (bad !== undefined) return `must be ports from 1 to 65535 separated by commas, got ${formatValue(bad)}`;
  if (parts.length > MAX_PORTS) return `must name at most ${MAX_PORTS} ports, got ${parts.length}`;
  const duplicate = findDuplicate(ports);
  return duplicate === undefined ? undefined : `names port ${duplicate} twice`;
}

/** Probe protocols, in the order reports show them. */
export const PROTOCOLS = ['icmp', 'tcp', 'udp'] as const;
/** One of {@link PROTOCOLS}. */
export type Protocol = (typeof PROTOCOLS)[number];

/** `icmp,tcp` etc.: distinct protocols from {@link PROTOCOLS}. */
export const protocolListSchema: z.ZodType<Protocol[], string> = z.string().transform((text, ctx) => {
  const parts = text.split(',');
  const bad = parts.find((part) => !(PROTOCOLS as readonly string[]).includes(part));
  const duplicate = findDuplicate(parts);
  if (bad !== undefined || duplicate !== undefined) {
    const message =
      bad !== undefined
        ? `must be protocols from ${PROTOCOLS.join(',')} separated by commas, got ${formatValue(bad)}`
        : `names ${duplicate} twice`;
    ctx.issues.push({ code: 'custom', message, input: text });
    return z.NEVER;
  }
  return parts as Protocol[];
});

function parseIntInRange(text: string, min: number, max: number): number | undefined {
  if (!INTEGER.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= max ? value : undefined;
}

function findDuplicate<T>(items: T[]): T | undefined {
  return items.find((item, i) => items.indexOf(item) !== i);
}
