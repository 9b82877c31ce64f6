import { describeDeploySuite } from './deploy-suite.js';

// The /deploy end-to-end suite against the Nomad 0.9.7 profile (test/lab/nomad/version-profiles.ts).
await describeDeploySuite({ nomadVersion: '0.9.7', hcl1: true, namespaces: false });
