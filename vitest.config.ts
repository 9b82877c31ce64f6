import { defineConfig } from 'vitest/config';

// Integration and lab tests start real processes (redis-server, sshd, namespaces); running files one at a
// time keeps them from competing for the two cores and for the lab's fixed names.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
