export { ConfigFileError } from './config-file-error.js';
export {
  chooseFrontEnd,
  type ProcessRole,
} from './front-end.js';
export { deploymentIdentity } from './identity.js';
export { loadConfig, loadConfigAsync } from './load.js';
export {
  clusterFor,
  findHost,
  findNetwork,
  findTenant,
  tenantForIp,
} from './lookup.js';
export { REDACTED, redactConfig } from './redact.js';
export type {
  ClusterConfig,
  Config,
} from './schema.js';
export { collectSecretValues, secretPaths } from './secrets.js';
