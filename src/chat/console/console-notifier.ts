import type { Report, StatusView } from '../../report/model.js';
import type { MessageRef, Notifier, NotifyTarget } from '../notifier.js';
import { renderConsole } from '../render/render-console.js';
import { describeElapsed, describeState, isFinalState } from '../render/render-status.js';
import { flattenLine, stripControlChars } from '../render/render-text.js';

/** Dependencies of the console notifier. */
export interface ConsoleNotifierDeps {
  /** Receives finished lines of output (each ends with a newline). */
  write: (text: string) => void;
  /** ANSI colours in the final result. @defaultValue false */
  color?: boolean;
  /** Clock for elapsed times, epoch ms. @defaultValue `Date.now` */
  nowMs?: () => number;
}

/**
 * Creates a {@link Notifier} for the terminal. A terminal cannot edit what it printed, so each state change
 * is printed once as a line, and the full result (via {@link renderConsole}) once the job is final.
 */
export function createConsoleNotifier(deps: ConsoleNotifierDeps): Notifier {
  const nowMs = deps.nowMs ?? Date.now;
  const lastLine = new Map<string, string>();
  let seq = 0;

  function show(ref: MessageRef, status: StatusView, report?: Report): void {
    if (isFinalState(status)) {
      const text = renderConsole(status, report, { color: deps.color ?? false, nowMs: nowMs() });
      if (lastLine.get(ref.ts) === text) return;
      lastLine.set(ref.ts, text);
      deps.write(text);
      return;
    }
    // Elapsed time is left out of the comparison so a repeated update of the same step prints nothing.
    const line = `[${ref.ts}] ${flattenLine(stripControlChars(describeState(status)))}`;
    if (lastLine.get(ref.ts) === line) return;
    lastLine.set(ref.ts, line);
    const elapsed = describeElapsed(status, { nowMs: nowMs() });
    deps.write(`${line}${elapsed ? ` · ${elapsed}` : ''}\n`);
  }

  return {
    async post(_target: NotifyTarget, status: StatusView, report?: Report): Promise<MessageRef> {
      seq += 1;
      const ref = { channel: 'console', ts: String(seq) };
      deps.write(`[${ref.ts}] ${flattenLine(stripControlChars(status.commandText))}\n`);
      show(ref, status, report);
      return ref;
    },
    async update(ref: MessageRef, status: StatusView, report?: Report): Promise<void> {
      show(ref, status, report);
    },
    // The final result already includes the thread under "Details" and lists the files.
    detailParts: () => [],
  };
}
