import { reportFatal, start } from './start.js';

// Front end only (no workers): for scale-out next to separate worker processes.
start('bot').catch((err) => reportFatal(err));
