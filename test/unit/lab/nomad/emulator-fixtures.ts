/** A docker that "runs" every container: enough for the emulator's scheduler, runner and deployment watcher. */
export const fakeDocker = async (_host: string, argv: string[]) => {
  if (argv[1] === 'inspect') {
    const docs = argv.slice(2).map((n) => ({
      Name: `/${n}`,
      State: { Status: 'running', Running: true, ExitCode: 0, Pid: 1 },
      NetworkSettings: { IPAddress: '172.17.0.2', Networks: { bridge: { IPAddress: '172.17.0.2' } } },
    }));
    return { code: 0, stdout: JSON.stringify(docs), stderr: '' };
  }
  return { code: 0, stdout: 'c0ffee\n', stderr: '' };
};

/** A one-task service job `web` (busybox); `group` adds task-group fields (disconnect, count…). */
export const jobWith = (group: Record<string, unknown> = {}) => ({
  ID: 'web',
  Datacenters: ['dc1'],
  Type: 'service',
  Update: { HealthCheck: 'task_states', MinHealthyTime: 0 },
  TaskGroups: [
    {
      Name: 'web',
      Count: 1,
      ...group,
      Tasks: [{ Name: 'web', Driver: 'docker', Config: { image: 'busybox' }, Resources: { MemoryMB: 64 } }],
    },
  ],
});
