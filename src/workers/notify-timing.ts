/** Least time between two intermediate answers through a response URL: its few uses are spread over the job. */
export const RESPOND_GAP_MS = 20_000;

/** When the response URL is this close to expiring and the job still runs, the user is told where to look. */
export const WARN_BEFORE_MS = 5 * 60_000;
