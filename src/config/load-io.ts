/** What schema transforms may touch while loading: injected so tests need no real environment or files. */
export interface LoadIo {
  env: NodeJS.ProcessEnv;
  /** Reads a file as UTF-8; throws like fs.readFileSync when it cannot. */
  readFile: (path: string) => string;
  /** Directory of the config file; relative paths in the config are resolved against it. */
  configDir: string;
  /** Working directory; defaults that are not written in the file are resolved against it. */
  cwd: string;
}

/** The short reason a file read failed (`ENOENT`, `EACCES`, …), without the message's path noise. */
export function describeReadFailure(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}
