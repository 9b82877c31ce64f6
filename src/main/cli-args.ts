/** Parsed arguments of the one-shot CLI: `npm run netops -- "<command text>" [--json] [--as USER] [--config FILE]`. */
export interface CliArgs {
  text: string;
  json: boolean;
  as?: string;
  config?: string;
  /** `audit export --since <ISO time | duration>`. */
  since?: string;
}

const VALUED = ['as', 'config', 'since'] as const;
type Valued = (typeof VALUED)[number];

/** Returns the parsed args or a usage message. */
export function parseCliArgs(argv: string[]): CliArgs | { error: string } {
  const words: string[] = [];
  let json = false;
  const values: Partial<Record<Valued, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const name = VALUED.find((v) => arg === `--${v}` || arg.startsWith(`--${v}=`));
    if (arg === '--json') json = true;
    else if (name && arg.includes('=')) values[name] = arg.slice(name.length + 3);
    else if (name) {
      const value = argv[++i];
      if (!value || value.startsWith('--')) return { error: `${arg} needs a value` };
      values[name] = value;
    } else if (arg === '--help' || arg === '-h') return { error: 'help' };
    else if (arg.startsWith('--')) return { error: `unknown option ${arg}` };
    else words.push(arg);
  }
  if (words.length === 0) return { error: 'missing command text' };
  return {
    text: words.join(' '),
    json,
    ...(values.as ? { as: values.as } : {}),
    ...(values.config ? { config: values.config } : {}),
    ...(values.since ? { since: values.since } : {}),
  };
}

export const CLI_USAGE = `usage: npm run netops -- "<command text>" [--json] [--as <slack-user-id>] [--config <file>]
       npm run netops -- approve <approval-id> --as <approver>   (or: reject <approval-id> --as <user>)
       npm run netops -- audit export [--since <ISO time|duration like 24h>]   (JSON Lines on stdout)
  e.g. npm run netops -- "/help"
       npm run netops -- "/deploy httpbackend subnet=tenant-b" --json
--as defaults to policy.console.user (else "console").
A write that needs approval prints its plan and approval id and exits 0; the apply runs when an approver approves.
exit codes: 0 success (or plan awaiting approval), 1 failed job, refused or approval refused, 2 usage error`;
