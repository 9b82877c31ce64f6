import { describeDeploySuite } from './deploy-suite.js';

// The /deploy end-to-end suite against the Nomad 2.0.6 profile (test/lab/nomad/version-profiles.ts).
await describeDeploySuite({ nomadVersion: '2.0.6', hcl1: false, namespaces: true });
