const NS_PER_MS = 1_000_000;

/** Nomad JSON durations are int64 nanoseconds; converts one to milliseconds. */
export function nsToMs(ns: number): number {
  return ns / NS_PER_MS;
}

/** Converts milliseconds to the int64-nanosecond form Nomad JSON expects (rounded to a whole ns). */
export function msToNs(ms: number): number {
  return Math.round(ms * NS_PER_MS);
}
