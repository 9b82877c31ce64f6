import './templates.js';

export {
  buildCommand,
  defineTemplate,
  flag,
  list,
  listTemplates,
  type ParamSpec,
  type TemplateParams,
  type TemplateSpec,
  value,
} from './argv.js';
export { connectSsh, connectSshWithDefaults } from './connect.js';
export { createSshPool } from './connection-pool.js';
export { expectSuccess } from './expect-success.js';
export { fingerprintSha256, parsePinnedHostKey } from './host-key.js';
export { joinShellLine, quoteShellArg } from './quote.js';
export { removeContainersByLabel } from './remove-by-label.js';
export type * from './types.js';
