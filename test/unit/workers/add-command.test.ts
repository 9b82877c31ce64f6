import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { renderConsoleReport } from '../../../src/chat/render/render-console.js';
import { allSpecs, buildHelpReport, createRegistry, parseCommand } from '../../../src/commands/index.js';
import { defineCommand } from '../../../src/commands/specs/define-command.js';
import { createSilentLogger } from '../../../src/logging.js';
import type { Report } from '../../../src/report/model.js';
import { buildProcessorRegistry, defineProcessor } from '../../../src/workers/define-processor.js';
import { findProcessor, type ProcessorContext } from '../../../src/workers/processor.js';
import type { ProcessorKit } from '../../../src/workers/processor-kit.js';

// The steps of docs/architecture.md "Adding a command", with a scratch /ping: spec, report, processor.
type PingArgs = { times: number };
const pingSpec = defineCommand<PingArgs>({
  name: 'ping',
  words: ['ping'],
  summary: 'Check that a worker answers',
  usage: '/ping [times=N]',
  examples: ['/ping', '/ping times=2'],
  execution: 'read',
  writes: false,
  positional: [],
  options: ['times'],
  args: z.object({ times: z.coerce.number().int().min(1).max(3).default(1) }),
});

function buildPingReport(times: number): Report {
  return { command: 'ping', ok: true, title: 'pong', blocks: [{ kind: 'text', text: 'pong '.repeat(times).trim() }] };
}

// Step 3: the processor, defined beside its spec's args (and listed in src/workers/processors/index.ts).
const pingProcessor = defineProcessor(pingSpec, () => async (ctx) => buildPingReport(ctx.command.args.times));

describe('adding a command touches only its spec, processor and report', () => {
  const registry = createRegistry([...allSpecs, pingSpec]);

  it('parses with typed args, is listed in help, runs and renders', async () => {
    const parsed = parseCommand('/ping times=2', { registry });
    expect(parsed).toEqual({ name: 'ping', args: { times: 2 }, text: '/ping times=2' });
    expect(buildHelpReport(registry).commands).toContain('ping');
    const ctx: ProcessorContext<PingArgs> = {
      jobId: 'j1',
      command: { name: 'ping', args: { times: 2 }, text: parsed.text },
      requester: { userId: 'U0ANN' },
      signal: new AbortController().signal,
      logger: createSilentLogger(),
      progress: async () => {},
      setQueuePosition: async () => {},
    };
    // The kit holds the cluster clients; /ping needs none of them.
    const processors = buildProcessorRegistry([pingProcessor], {} as ProcessorKit);
    const ping = findProcessor(processors, 'ping');
    if (!ping) throw new Error('ping is not registered');
    const report = await ping(ctx);
    expect(renderConsoleReport(report)).toContain('pong pong');
  });

  it('refuses bad args with the usage line', () => {
    expect(() => parseCommand('/ping times=9', { registry })).toThrow(/times/);
  });
});
