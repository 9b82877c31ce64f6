/** Parsed arguments of the one-shot CLI: `npm run netops -- "<command text>" [--json] [--as USER] [--config FILE]`. */
export interface CliArgs {
  text: string;
  json: boolean;
  as?: string;
  config?: string;
}

/** Returns the parsed args or a usage message. */
export function parseCliArgs(argv: string[]): CliArgs | { error: string } {
  const words: string[] = [];
  let json = false;
  let as: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--json') json = true;
    else if (arg === '--as' || arg === '--config') {
      const value = argv[++i];
      if (!value || value.startsWith('--')) return { error: `${arg} needs a value` };
      if (arg === '--as') as = value;
      else config = value;
    } else if (arg.startsWith('--as=')) as = arg.slice(5);
    else if (arg.startsWith('--config=')) config = arg.slice(9);
    else if (arg === '--help' || arg === '-h') return { error: 'help' };
    else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
    else words.push(arg);
  }
  if (words.length === 0) return { error: 'missing command text' };
  return { text: words.join(' '), json, ...(as ? { as } : {}), ...(config ? { config } : {}) };
}

export const CLI_USAGE = `usage: npm run netops -- "<command text>" [--json] [--as <slack-user-id>] [--config <file>]
  e.g. npm run netops -- "/help"
       npm run netops -- "/deploy httpbackend subnet=tenant-b" --json
exit codes: 0 success, 1 failed job or refused, 2 usage error`;
