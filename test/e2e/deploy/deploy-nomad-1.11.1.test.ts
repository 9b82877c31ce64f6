import { describeDeploySuite } from './deploy-suite.js';

// The /deploy end-to-end suite against the Nomad 1.11.1 profile (test/lab/nomad/version-profiles.ts).
await describeDeploySuite({ nomadVersion: '1.11.1', hcl1: false, namespaces: true });
