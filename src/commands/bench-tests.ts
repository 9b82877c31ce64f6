/** The /cni-bench measurements, in the order they run (the names `tests=` takes). */
export const BENCH_TESTS = ['tcp', 'tcpMulti', 'udp', 'http', 'ftp', 'scp'] as const;
export type BenchTest = (typeof BENCH_TESTS)[number];

/**
 * What a run measures unless `tests=` says otherwise: the quick set. FTP and SCP (the 2019 CNI benchmark's file
 * transfers) start four more containers and move a file per repeat, so they run when asked for.
 */
export const DEFAULT_BENCH_TESTS: readonly BenchTest[] = ['tcp', 'tcpMulti', 'udp', 'http'];
