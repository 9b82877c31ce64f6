/** The notifier port is defined next to the Report (workers use it without knowing the platform). */
export type { MessageRef, Notifier, NotifyTarget } from '../report/notifier.js';
