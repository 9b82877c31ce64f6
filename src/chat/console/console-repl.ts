import { createInterface } from 'node:readline';
import { type ConsoleFrontDeps, formatConsoleResult, runConsoleCommand } from './console-front.js';

/**
 * The console front end of `npm start` when no Slack credentials are set: type commands as in Slack
 * (`/deploy httpbackend subnet=tenant-b`), see progress and the rendered result. Commands run one at a time;
 * Ctrl-C cancels nothing on the cluster side, it only stops waiting (use /cancel).
 */
export async function runConsoleRepl(
  deps: Omit<ConsoleFrontDeps, 'showProgress'>,
  io = { input: process.stdin, output: process.stdout },
): Promise<void> {
  const rl = createInterface({
    input: io.input,
    output: io.output,
    prompt: 'netops> ',
    terminal: Boolean((io.output as NodeJS.WriteStream).isTTY),
  });
  io.output.write('netops-bot console. Type /help for commands, /quit to leave.\n');
  rl.prompt();
  for await (const line of rl) {
    const text = line.trim();
    if (text === '/quit' || text === '/exit' || text === 'quit' || text === 'exit') break;
    if (text) {
      const res = await runConsoleCommand({ ...deps, showProgress: true }, text);
      deps.write(formatConsoleResult(res));
    }
    rl.prompt();
  }
  rl.close();
}
