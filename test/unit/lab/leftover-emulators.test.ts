import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findLeftoverEmulators } from '../../lab/lab-down.js';

describe('leftover lab emulators', () => {
  it("finds an emulator process of another checkout's lab by its command line, and nothing else", async () => {
    // argv[0] of `sh -c` is the script name: the process's command line then ends in another checkout's path.
    const leftover = spawn('sh', ['-c', 'sleep 30', '/work/other-checkout/test/lab/nomad/main.ts'], {
      stdio: 'ignore',
    });
    const unrelated = spawn('sh', ['-c', 'sleep 30', '/work/other-checkout/test/lab/nomad/main.ts.bak'], {
      stdio: 'ignore',
    });
    try {
      await new Promise((r) => setTimeout(r, 200));
      const found = findLeftoverEmulators();
      expect(found).toContain(leftover.pid);
      expect(found).not.toContain(unrelated.pid);
      expect(found).not.toContain(process.pid);
    } finally {
      leftover.kill('SIGKILL');
      unrelated.kill('SIGKILL');
    }
  });
});
