import { describe, expect, it } from 'vitest';
import { runCaptured, spawnCaptured } from '../../helpers/spawn-captured.js';
import { waitFor } from '../../helpers/wait-for.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('spawnCaptured / runCaptured (the tests’ one spawn-and-capture primitive)', () => {
  it('captures both streams apart and interleaved, the exit code and the input', async () => {
    const proc = spawnCaptured(['sh', '-c', 'read line; echo "out $line"; echo err >&2; exit 3'], { input: 'x\n' });
    const r = await proc.done;
    expect(r).toEqual({ code: 3, signal: null, stdout: 'out x\n', stderr: 'err\n', timedOut: false });
    expect(proc.output()).toContain('out x\n');
    expect(proc.output()).toContain('err\n');
  });

  it('reports the signal that ended a process', async () => {
    const proc = spawnCaptured(['sleep', '30']);
    proc.signal('SIGTERM');
    expect(await proc.done).toMatchObject({ code: null, signal: 'SIGTERM', timedOut: false });
  });

  it('a timeout kills the whole process group and says so', async () => {
    // The shell starts a grandchild and prints its pid; both belong to the group the timeout kills.
    const r = await runCaptured(['sh', '-c', 'sleep 30 & echo $!; wait'], { timeoutMs: 500 });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(r.stderr).toMatch(/timed out after 500 ms$/);
    const grandchild = Number(r.stdout.trim());
    await waitFor(() => !alive(grandchild), `grandchild ${grandchild} to be gone`);
  });

  it('a command that cannot start resolves with the error instead of throwing', async () => {
    const r = await runCaptured(['/nonexistent/netops-no-such-command']);
    expect(r.code).toBeNull();
    expect(r.spawnError?.message).toMatch(/ENOENT/);
  });
});
