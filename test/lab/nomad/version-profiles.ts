/**
 * What the emulated Nomad does differently per release, as data: one entry per profiled release, every value
 * read from hashicorp/nomad at that tag. Paths below are relative to the repository; `HEAD` is snapshot
 * aa026cc9 (version/version.go:23 `2.0.6`, VersionPrerelease "dev": 2.0.6 was not tagged in the snapshot,
 * so where HEAD and v2.0.5 agree that is said). The server code reads these fields; it never compares versions.
 */
export interface NomadProfile {
  /** Release this profile follows, e.g. `1.11.1`. */
  version: string;
  /** `config.Version` of `/v1/agent/self` (version/version.go VersionInfo; BuildDate only from 1.x). */
  versionInfo: Record<string, string>;
  /** Serf tags of a server member besides the common ones (nomad/server.go setupSerf). */
  memberTags: Record<string, string>;
  /** What `JobModifyIndex` a register of an unchanged spec answers with: the job's `JobModifyIndex` or its `ModifyIndex`. */
  unchangedRegisterIndex: 'JobModifyIndex' | 'ModifyIndex';
  /** Whether the docker driver labels containers `com.hashicorp.nomad.alloc_id` (0.10.2+). */
  allocIdLabel: boolean;
  /** `/v1/jobs/parse` grammar: HCL1 (jobspec) before 1.0, HCL2 (jobspec2) from 1.0. */
  parser: 'hcl1' | 'hcl2';
  /** Namespaces other than `default` can exist in open source (1.0+). */
  namespaces: boolean;
  /** How a register into a missing namespace fails: the FSM's bare text (0.9) or the validator's multierror (1.x). */
  missingNamespaceError: 'plain' | 'multierror';
  /** `DELETE /v1/job/:id` of an unknown job: an evaluation anyway, a 404, or 200 with an empty EvalID. */
  deregisterUnknown: 'eval' | 'not-found' | 'empty';
  /** The leader cancels pending evaluations superseded by a more recent one for the same job (1.4.3+). */
  cancelsSupersededEvals: boolean;
  /** Status values the release defines (the emulator never emits one outside these). */
  statuses: { deployment: readonly string[]; allocClient: readonly string[] };
  /** api.Job as `/v1/jobs/parse` answers it (api/jobs.go, api/tasks.go, api/resources.go): field names per struct. */
  apiJob: {
    job: readonly string[];
    group: readonly string[];
    task: readonly string[];
    resources: readonly string[];
    logConfig: readonly string[];
    restartPolicy: readonly string[];
  };
  /** JSON field names of the objects the bot reads, in the release's struct order. */
  fields: {
    allocStub: readonly string[];
    evaluation: readonly string[];
    deployment: readonly string[];
    deregister: readonly string[];
    register: readonly string[];
    plan: readonly string[];
    desiredUpdates: readonly string[];
    desiredTransition: readonly string[];
    nodeStub: readonly string[];
    /** `structs.Node` (GET /v1/node/:id): no Address, which only the list stub computes. */
    nodeDetail: readonly string[];
    /** `structs.Allocation` (GET /v1/allocation/:id): no JobType/JobVersion, which only the list stub has. */
    allocation: readonly string[];
  };
}

const baseAllocStub = [
  'ID',
  'EvalID',
  'Name',
  'Namespace',
  'NodeID',
  'NodeName',
  'JobID',
  'JobType',
  'JobVersion',
  'TaskGroup',
  'DesiredStatus',
  'DesiredDescription',
  'ClientStatus',
  'ClientDescription',
  'DesiredTransition',
  'TaskStates',
  'DeploymentStatus',
  'FollowupEvalID',
] as const;
const allocStubTail = [
  'RescheduleTracker',
  'PreemptedAllocations',
  'PreemptedByAllocation',
  'CreateIndex',
  'ModifyIndex',
  'CreateTime',
  'ModifyTime',
] as const;
const evalHead = [
  'ID',
  'Namespace',
  'Priority',
  'Type',
  'TriggeredBy',
  'JobID',
  'JobModifyIndex',
  'NodeID',
  'NodeModifyIndex',
  'DeploymentID',
  'Status',
  'StatusDescription',
  'Wait',
  'WaitUntil',
  'NextEval',
  'PreviousEval',
  'BlockedEval',
] as const;
const evalTail = [
  'ClassEligibility',
  'QuotaLimitReached',
  'EscapedComputedClass',
  'AnnotatePlan',
  'QueuedAllocations',
  'LeaderACL',
  'SnapshotIndex',
  'CreateIndex',
  'ModifyIndex',
  'CreateTime',
  'ModifyTime',
] as const;
const deploymentHead = [
  'ID',
  'Namespace',
  'JobID',
  'JobVersion',
  'JobModifyIndex',
  'JobSpecModifyIndex',
  'JobCreateIndex',
] as const;
const desiredUpdates09 = [
  'Ignore',
  'Place',
  'Migrate',
  'Stop',
  'InPlaceUpdate',
  'DestructiveUpdate',
  'Canary',
  'Preemptions',
] as const;
const nodeStub1x = [
  'Address',
  'ID',
  'Datacenter',
  'Name',
  'NodePool',
  'NodeClass',
  'Version',
  'Drain',
  'SchedulingEligibility',
  'Status',
  'StatusDescription',
  'Drivers',
  'HostVolumes',
  'LastDrain',
  'CreateIndex',
  'ModifyIndex',
] as const;
/** nomad/structs/alloc.go type Allocation at v1.11.1 and HEAD (SignedIdentities is json:"-"). */
const allocation1x = [
  'ID',
  'Namespace',
  'EvalID',
  'Name',
  'NodeID',
  'NodeName',
  'JobID',
  'Job',
  'TaskGroup',
  'Resources',
  'SharedResources',
  'TaskResources',
  'AllocatedResources',
  'Metrics',
  'DesiredStatus',
  'DesiredDescription',
  'DesiredTransition',
  'ClientStatus',
  'ClientDescription',
  'TaskStates',
  'AllocStates',
  'PreviousAllocation',
  'NextAllocation',
  'DeploymentID',
  'DeploymentStatus',
  'RescheduleTracker',
  'NetworkStatus',
  'FollowupEvalID',
  'PreemptedAllocations',
  'PreemptedByAllocation',
  'SigningKeyID',
  'CreateIndex',
  'ModifyIndex',
  'AllocModifyIndex',
  'CreateTime',
  'ModifyTime',
] as const;
/** v0.9.7 nomad/structs/structs.go type Allocation: no AllocStates, NetworkStatus, SigningKeyID. */
const allocation097 = allocation1x.filter((f) => !['AllocStates', 'NetworkStatus', 'SigningKeyID'].includes(f));
/** nomad/structs/structs.go type Node at v1.11.1 and HEAD (no tags: every field is encoded). */
const nodeDetail1x = [
  'ID',
  'SecretID',
  'Datacenter',
  'Name',
  'CgroupParent',
  'HTTPAddr',
  'TLSEnabled',
  'Attributes',
  'NodeResources',
  'ReservedResources',
  'Links',
  'Meta',
  'NodeClass',
  'NodePool',
  'ComputedClass',
  'DrainStrategy',
  'SchedulingEligibility',
  'Status',
  'StatusDescription',
  'IdentitySigningKeyID',
  'StatusUpdatedAt',
  'Events',
  'Drivers',
  'CSIControllerPlugins',
  'CSINodePlugins',
  'HostVolumes',
  'GCVolumesOnNodeGC',
  'HostNetworks',
  'LastDrain',
  'NodeMaxAllocs',
  'LastMissedHeartbeatIndex',
  'LastAllocUpdateIndex',
  'CreateIndex',
  'ModifyIndex',
] as const;
/** v0.9.7 nomad/structs/structs.go type Node: legacy Resources/Reserved and Drain, no NodePool (1.6+). */
const nodeDetail097 = [
  'ID',
  'SecretID',
  'Datacenter',
  'Name',
  'HTTPAddr',
  'TLSEnabled',
  'Attributes',
  'NodeResources',
  'ReservedResources',
  'Resources',
  'Reserved',
  'Links',
  'Meta',
  'NodeClass',
  'ComputedClass',
  'Drain',
  'DrainStrategy',
  'SchedulingEligibility',
  'Status',
  'StatusDescription',
  'StatusUpdatedAt',
  'Events',
  'Drivers',
  'CreateIndex',
  'ModifyIndex',
] as const;
const planFields = [
  'Annotations',
  'FailedTGAllocs',
  'JobModifyIndex',
  'CreatedEvals',
  'Diff',
  'NextPeriodicLaunch',
  'Warnings',
  'Index',
] as const;

const words = (text: string) => text.split(' ');
/** v0.9.7 api/jobs.go:650 Job, api/tasks.go:484 TaskGroup, :676 Task, :649 LogConfig, :69 RestartPolicy, api/resources.go:9. */
const apiJob097: NomadProfile['apiJob'] = {
  job: words(
    'Stop Region Namespace ID ParentID Name Type Priority AllAtOnce Datacenters Constraints Affinities TaskGroups Update ' +
      'Spreads Periodic ParameterizedJob Dispatched Payload Reschedule Migrate Meta VaultToken Status StatusDescription ' +
      'Stable Version SubmitTime CreateIndex ModifyIndex JobModifyIndex',
  ),
  group: words(
    'Name Count Constraints Affinities Tasks Spreads RestartPolicy ReschedulePolicy EphemeralDisk Update Migrate Meta',
  ),
  task: words(
    'Name Driver User Config Constraints Affinities Env Services Resources Meta KillTimeout LogConfig Artifacts Vault ' +
      'Templates DispatchPayload Leader ShutdownDelay KillSignal',
  ),
  resources: words('CPU MemoryMB DiskMB Networks Devices IOPS'),
  logConfig: words('MaxFiles MaxFileSizeMB'),
  restartPolicy: words('Interval Attempts Delay Mode'),
};
/**
 * v1.11.1 api/jobs.go:1105 Job, api/tasks.go:492 TaskGroup, :762 Task (CSIPluginConfig is omitempty and nil
 * here), :709 LogConfig, :100 RestartPolicy, api/resources.go:13; HEAD is the same except TaskGroup.MaxRunDuration.
 */
const apiJob1111: NomadProfile['apiJob'] = {
  job: words(
    'Region Namespace ID Name Type Priority AllAtOnce Datacenters NodePool Constraints Affinities TaskGroups Update ' +
      'Multiregion Spreads Periodic ParameterizedJob Reschedule Migrate Meta UI Stop ParentID Dispatched ' +
      'DispatchIdempotencyToken Payload ConsulNamespace VaultNamespace NomadTokenID Status StatusDescription Stable ' +
      'Version SubmitTime CreateIndex ModifyIndex JobModifyIndex VersionTag',
  ),
  group: words(
    'Name Count Constraints Affinities Tasks Spreads Volumes RestartPolicy Disconnect ReschedulePolicy EphemeralDisk ' +
      'Update Migrate Networks Meta Services ShutdownDelay StopAfterClientDisconnect MaxClientDisconnect Scaling ' +
      'Consul PreventRescheduleOnLost',
  ),
  task: words(
    'Name Driver User Lifecycle Config Constraints Affinities Env Services Resources RestartPolicy Meta KillTimeout ' +
      'LogConfig Artifacts Vault Consul Templates DispatchPayload VolumeMounts Leader ShutdownDelay KillSignal Kind ' +
      'ScalingPolicies Secrets Identity Identities Actions Schedule',
  ),
  resources: words('CPU Cores MemoryMB MemoryMaxMB DiskMB Networks Devices NUMA SecretsMB IOPS'),
  logConfig: words('MaxFiles MaxFileSizeMB Enabled Disabled'),
  restartPolicy: words('Interval Attempts Delay Mode RenderTemplates'),
};

/** Nomad 0.9.7, the era of the article the project follows. */
const nomad097: NomadProfile = {
  version: '0.9.7',
  // version/version.go:14,26-31 (no BuildDate field before 1.x). Revision is set by the release build
  // (GitCommit ldflag), not in the source: the lab uses the tag's commit.
  versionInfo: {
    Revision: '73fbde823bf5734a480067a798e71e0f634cdcc0',
    Version: '0.9.7',
    VersionPrerelease: '',
    VersionMetadata: '',
  },
  // nomad/server.go:1240-1260: "mvn", the API minor version, only before 1.x.
  memberTags: { mvn: '1' },
  // nomad/job_endpoint.go:206-208: an unchanged spec answers existingJob.JobModifyIndex.
  unchangedRegisterIndex: 'JobModifyIndex',
  // drivers/docker/driver.go:964 names the container; the alloc_id label first appears in v0.10.2 driver.go:70,995.
  allocIdLabel: false,
  // command/agent/job_endpoint.go:594-617: jobspec.Parse (HCL1), errors without a "Failed to parse job" prefix.
  parser: 'hcl1',
  // nomad/state/state_store_oss.go:11-12: only "default" exists in open source.
  namespaces: false,
  // nomad/state/state_store.go:1006-1011, returned as is by job_endpoint.go:194-197.
  missingNamespaceError: 'plain',
  // nomad/job_endpoint.go:650-698: deregister is applied (the FSM error is ignored) and an eval is created.
  deregisterUnknown: 'eval',
  // nomad/leader.go:548-580 cancels only duplicate *blocked* evals; superseded pending ones run.
  cancelsSupersededEvals: false,
  apiJob: apiJob097,
  statuses: {
    // nomad/structs/structs.go DeploymentStatus* (no pending/blocked/unblocking/initializing yet).
    deployment: ['running', 'paused', 'failed', 'successful', 'cancelled'],
    // nomad/structs/structs.go AllocClientStatus* (no "unknown" before 1.3).
    allocClient: ['pending', 'running', 'complete', 'failed', 'lost'],
  },
  fields: {
    // nomad/structs/structs.go type AllocListStub (no NextAllocation, no AllocatedResources).
    allocStub: [...baseAllocStub, ...allocStubTail],
    // type Evaluation (no RelatedEvals, no PlanAnnotations).
    evaluation: [...evalHead, 'FailedTGAllocs', ...evalTail],
    // type Deployment (no IsMultiregion, EvalPriority, CreateTime, ModifyTime).
    deployment: [...deploymentHead, 'TaskGroups', 'Status', 'StatusDescription', 'CreateIndex', 'ModifyIndex'],
    // type JobDeregisterResponse + QueryMeta{Index, LastContact, KnownLeader}.
    deregister: ['EvalID', 'EvalCreateIndex', 'JobModifyIndex', 'Index', 'LastContact', 'KnownLeader'],
    register: ['EvalID', 'EvalCreateIndex', 'JobModifyIndex', 'Warnings', 'Index', 'LastContact', 'KnownLeader'],
    plan: planFields,
    desiredUpdates: desiredUpdates09,
    // nomad/structs/structs.go type DesiredTransition.
    desiredTransition: ['Migrate', 'Reschedule', 'ForceReschedule'],
    // type NodeListStub (no NodePool, HostVolumes, LastDrain).
    nodeStub: [
      'Address',
      'ID',
      'Datacenter',
      'Name',
      'NodeClass',
      'Version',
      'Drain',
      'SchedulingEligibility',
      'Status',
      'StatusDescription',
      'Drivers',
      'CreateIndex',
      'ModifyIndex',
    ],
    nodeDetail: nodeDetail097,
    allocation: allocation097,
  },
};

const fields1x: NomadProfile['fields'] = {
  // nomad/structs/alloc.go type AllocListStub (AllocatedResources is omitempty and nil in list answers).
  allocStub: [...baseAllocStub, 'NextAllocation', ...allocStubTail],
  // nomad/structs/eval.go type Evaluation.
  evaluation: [...evalHead, 'RelatedEvals', 'FailedTGAllocs', 'PlanAnnotations', ...evalTail],
  // nomad/structs/deployment.go type Deployment.
  deployment: [
    ...deploymentHead,
    'IsMultiregion',
    'TaskGroups',
    'Status',
    'StatusDescription',
    'EvalPriority',
    'CreateIndex',
    'ModifyIndex',
    'CreateTime',
    'ModifyTime',
  ],
  // nomad/structs/structs.go type JobDeregisterResponse + QueryMeta (NextToken).
  deregister: [
    'EvalID',
    'EvalCreateIndex',
    'JobModifyIndex',
    'VolumeEvalID',
    'VolumeEvalIndex',
    'Index',
    'LastContact',
    'KnownLeader',
    'NextToken',
  ],
  register: [
    'EvalID',
    'EvalCreateIndex',
    'JobModifyIndex',
    'Warnings',
    'Index',
    'LastContact',
    'KnownLeader',
    'NextToken',
  ],
  plan: planFields,
  // nomad/structs/structs.go type DesiredUpdates.
  desiredUpdates: [...desiredUpdates09, 'Disconnect', 'Reconnect', 'RescheduleNow', 'RescheduleLater'],
  // nomad/structs/alloc.go type DesiredTransition.
  desiredTransition: ['Migrate', 'Reschedule', 'ForceReschedule', 'NoShutdownDelay', 'MigrateDisablePlacement'],
  // nomad/structs/structs.go type NodeListStub (Attributes, NodeResources, ReservedResources are omitempty).
  nodeStub: nodeStub1x,
  nodeDetail: nodeDetail1x,
  allocation: allocation1x,
};

const statuses1x: NomadProfile['statuses'] = {
  // nomad/structs/deployment.go:17-25 (v1.11.1 :16-24): initializing since 1.5, multiregion ones since 0.12.
  deployment: [
    'running',
    'paused',
    'failed',
    'successful',
    'cancelled',
    'initializing',
    'pending',
    'blocked',
    'unblocking',
  ],
  // nomad/structs/alloc.go:29-35: unknown since 1.3 (disconnected clients).
  allocClient: ['pending', 'running', 'complete', 'failed', 'lost', 'unknown'],
};

/** Nomad 1.11.1: the last release that answers an unchanged register with the job's JobModifyIndex. */
const nomad1111: NomadProfile = {
  version: '1.11.1',
  // version/version.go:22,34-40; Revision and BuildDate come from the release build (ldflags): the lab uses the
  // tag's commit and its date.
  versionInfo: {
    BuildDate: '2025-12-09T20:10:56Z',
    Revision: '5b76eb0535615e32faf4daee479f7155ea16ec0d',
    Version: '1.11.1',
    VersionPrerelease: '',
    VersionMetadata: '',
  },
  // nomad/server.go setupSerf: "revision" tag, no "mvn".
  memberTags: { revision: '5b76eb0535615e32faf4daee479f7155ea16ec0d' },
  // nomad/job_endpoint.go:363-365.
  unchangedRegisterIndex: 'JobModifyIndex',
  // drivers/docker/driver.go dockerLabelAllocID.
  allocIdLabel: true,
  // command/agent/job_endpoint.go JobsParseRequest: jobspec2 (HCL2).
  parser: 'hcl2',
  namespaces: true,
  // nomad/job_endpoint_validators.go:27 inside admissionValidators' multierror (job_endpoint_hooks.go).
  missingNamespaceError: 'multierror',
  // nomad/job_endpoint.go:824-826 `if job == nil { return nil }` (since 1.5.1; 0.12–1.5.0 answered 404).
  deregisterUnknown: 'empty',
  // nomad/leader.go cancelCancelableEvals, "canceled after more recent eval was processed" (since 1.4.3).
  cancelsSupersededEvals: true,
  statuses: statuses1x,
  apiJob: apiJob1111,
  fields: fields1x,
};

/** Nomad 2.0.6 (HEAD aa026cc9; the points below are the same in v2.0.5): the current release. */
const nomad206: NomadProfile = {
  version: '2.0.6',
  versionInfo: {
    BuildDate: '2026-08-21T12:33:58Z',
    Revision: 'aa026cc99cfb74a77e519a1c1f0c78ba1b452705',
    Version: '2.0.6',
    VersionPrerelease: '',
    VersionMetadata: '',
  },
  // nomad/server.go:1737-1746.
  memberTags: { revision: 'aa026cc99cfb74a77e519a1c1f0c78ba1b452705' },
  // nomad/job_endpoint.go:331-332 (edb2c84c80, #27386, in every tag from v1.11.2).
  unchangedRegisterIndex: 'ModifyIndex',
  // drivers/docker/driver.go:87,1502; container name :1537.
  allocIdLabel: true,
  parser: 'hcl2',
  namespaces: true,
  // nomad/job_endpoint_validators.go:28.
  missingNamespaceError: 'multierror',
  // nomad/job_endpoint.go:822-824.
  deregisterUnknown: 'empty',
  // nomad/leader.go:1213-1240, nomad/eval_broker.go:645-651 (MarkForCancel).
  cancelsSupersededEvals: true,
  statuses: statuses1x,
  // HEAD api/tasks.go:492-580: MaxRunDuration after ShutdownDelay (not in 1.11.1).
  apiJob: {
    ...apiJob1111,
    group: apiJob1111.group.flatMap((f) => (f === 'ShutdownDelay' ? [f, 'MaxRunDuration'] : [f])),
  },
  fields: {
    ...fields1x,
    // nomad/structs/eval.go type Evaluation: MissingNonNodeResources after QuotaLimitReached (not in 1.11.1).
    evaluation: fields1x.evaluation.flatMap((f) => (f === 'QuotaLimitReached' ? [f, 'MissingNonNodeResources'] : [f])),
  },
};

/** Every profile, oldest first. */
export const NOMAD_PROFILES: readonly NomadProfile[] = [nomad097, nomad1111, nomad206];

/** The default: the current release. */
const DEFAULT_NOMAD_VERSION = '2.0.6';

function parseVersion(text: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/**
 * The profile a release runs with: the nearest profile at or below it (0.10.5 runs as 0.9.7, 1.11.2 as 1.11.1,
 * 2.1.0 as 2.0.6), reporting the version asked for. Behaviours that changed between two profiles therefore follow
 * the lower one (1.11.2 already answers unchanged registers with ModifyIndex; profile it when it matters).
 * Versions below the oldest profile or of an unknown major are refused with the supported range.
 */
export function selectNomadProfile(version: string = DEFAULT_NOMAD_VERSION): NomadProfile & { reported: string } {
  const wanted = parseVersion(version);
  if (!wanted) throw new Error(`--nomad-version must look like 1.11.1, got "${version}"`);
  const supported = `${NOMAD_PROFILES[0]?.version} to 2.x (profiles ${NOMAD_PROFILES.map((p) => p.version).join(', ')})`;
  if ((wanted[0] ?? 0) > 2) throw new Error(`no lab profile for Nomad ${version}: supported ${supported}`);
  const below = NOMAD_PROFILES.filter((p) => compareVersions(parseVersion(p.version) ?? [], wanted) <= 0);
  const profile = below.at(-1);
  if (!profile) throw new Error(`no lab profile for Nomad ${version}: supported ${supported}`);
  const reported = wanted.join('.');
  return { ...profile, reported, versionInfo: { ...profile.versionInfo, Version: reported } };
}
