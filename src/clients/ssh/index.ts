import './templates.js';

export {
  buildCommand,
  listTemplates,
} from './argv.js';

export { createSshPool } from './connection-pool.js';
export { expectSuccess } from './expect-success.js';
export { PING_BATCH_MAX, PING_BATCH_WAVE } from './templates.js';

export type * from './types.js';
