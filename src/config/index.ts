export { ConfigFileError } from './config-file-error.js';
export {
  checkFrontEnd,
  chooseFrontEnd,
  FRONT_ENDS,
  type FrontEnd,
  type FrontEndOptions,
  type ProcessRole,
} from './front-end.js';
export { deploymentIdentity } from './identity.js';
export { type LoadConfigOptions, loadConfig, loadConfigAsync } from './load.js';
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
  HostConfig,
  LimitsConfig,
  NetworkConfig,
  PolicySection,
  SlackConfig,
  TenantConfig,
} from './schema.js';
export { collectSecretValues, secretPaths } from './secrets.js';
