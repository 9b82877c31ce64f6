import { reportFatal, start } from './start.js';

// Workers only (no front end): scale these out; they share the queues through Redis.
start('worker').catch((err) => reportFatal(err));
