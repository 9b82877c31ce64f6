import { chownSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { SSH_USER } from './topology.js';

/**
 * The bot logs in as `netops`. The lab's docker/weave CLIs create namespaces and need root, so `netops` is a
 * uid-0 alias (a second passwd/shadow line for uid 0, shell /bin/sh) added by `up` and removed by `down`.
 */
const MARKER = 'netops-bot lab';

function rewrite(path: string, edit: (lines: string[]) => string[]): void {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1);
  const tmp = `${path}.netops-lab.tmp`;
  const st = statSync(path);
  writeFileSync(tmp, `${edit(lines).join('\n')}\n`, { mode: st.mode & 0o777 });
  chownSync(tmp, st.uid, st.gid);
  renameSync(tmp, path);
}

function isOurLine(line: string): boolean {
  return line.startsWith(`${SSH_USER}:`);
}

/** Adds the alias account (idempotent); refuses when a real `netops` account exists. */
export function addLabAccount(home: string, files = { passwd: '/etc/passwd', shadow: '/etc/shadow' }): void {
  const existing = readFileSync(files.passwd, 'utf8').split('\n').find(isOurLine);
  if (existing && !existing.includes(MARKER)) {
    throw new Error(`a real account ${SSH_USER} exists in ${files.passwd}; the lab will not touch it`);
  }
  removeLabAccount(files);
  rewrite(files.passwd, (l) => [...l, `${SSH_USER}:x:0:0:${MARKER}:${home}:/bin/sh`]);
  // `*` (not `!`): no password login, but not "locked", so sshd accepts the key.
  rewrite(files.shadow, (l) => [...l, `${SSH_USER}:*:19000:0:99999:7:::`]);
}

/** Removes the alias account lines if present. */
export function removeLabAccount(files = { passwd: '/etc/passwd', shadow: '/etc/shadow' }): void {
  const passwd = readFileSync(files.passwd, 'utf8').split('\n');
  const ours = passwd.find(isOurLine);
  if (!ours?.includes(MARKER)) return;
  rewrite(files.passwd, (l) => l.filter((x) => !isOurLine(x)));
  rewrite(files.shadow, (l) => l.filter((x) => !isOurLine(x)));
}
