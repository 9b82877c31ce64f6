import { describe, expect, it } from 'vitest';
import {
  type AccessPolicy,
  allowedCommands,
  authorize,
  authorizeApproval,
  isAdmin,
  isApprovalRequired,
  listRoles,
  mayRun,
} from '../../../src/access/policy.js';
import {
  allSpecs,
  auditSpec,
  deploySpec,
  deployStopSpec,
  helpSpec,
  statusSpec,
} from '../../../src/commands/specs/index.js';
import { ForbiddenError } from '../../../src/errors.js';

const policy: AccessPolicy = {
  roles: {
    viewer: { commands: ['status', 'jobs', 'help'], tenants: ['*'] },
    operator: { commands: ['status', 'deploy', 'deploy-stop'], tenants: ['default', 'tenant-b'] },
    approver: { commands: ['status'], tenants: ['tenant-b'] },
    admin: { commands: ['*'], tenants: ['*'] },
  },
  users: { U0VIEW: ['viewer'], U0OPS: ['operator'], U0APP: ['approver'], U0ADMIN: ['admin'], U0GHOST: ['nope'] },
  groups: { S0TEAM: { members: ['U0MEMBER'], roles: ['operator'] } },
  channels: {
    C0OPS: { commands: ['*'], tenants: ['*'] },
    C0DEV: { commands: ['status', 'deploy'], tenants: ['default'] },
  },
  approvals: { tenants: { 'tenant-b': 'required' }, commands: { 'deploy-stop': 'required' }, expiryMinutes: 30 },
};

const deployB = { job: 'httpbackend', tenant: 'tenant-b' };
const refusal = (fn: () => void): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ForbiddenError);
    return (err as ForbiddenError).userMessage ?? '';
  }
  throw new Error('expected a refusal');
};

describe('authorize: deny by default with a reason', () => {
  it('without a policy only /help runs, and the refusal says how to configure one', () => {
    expect(() => authorize(undefined, helpSpec, {}, { userId: 'U1' })).not.toThrow();
    expect(refusal(() => authorize(undefined, statusSpec, {}, { userId: 'console' }))).toMatch(
      /no access policy.*policy:/,
    );
  });

  it('an unknown user (or one whose only role is undefined) is refused, naming the config to change', () => {
    expect(refusal(() => authorize(policy, statusSpec, {}, { userId: 'U0NOBODY' }))).toBe(
      '@U0NOBODY has no role in netops-bot, so /netops-status was not run: an admin must add U0NOBODY to policy.users (or to a group in policy.groups).',
    );
    expect(refusal(() => authorize(policy, statusSpec, {}, { userId: 'U0GHOST' }))).toMatch(/no role in netops-bot/);
  });

  it('a Slack request from an unconfigured channel is refused; the console has no channel rules', () => {
    expect(refusal(() => authorize(policy, statusSpec, {}, { userId: 'U0OPS', channelId: 'C0RANDOM' }))).toMatch(
      /this channel \(C0RANDOM\) is not configured.*policy\.channels/,
    );
    expect(() => authorize(policy, deploySpec, deployB, { userId: 'U0OPS' })).not.toThrow();
  });

  it('a channel narrows commands and tenants', () => {
    expect(refusal(() => authorize(policy, deployStopSpec, deployB, { userId: 'U0OPS', channelId: 'C0DEV' }))).toBe(
      '/deploy stop is not allowed in this channel (C0DEV); see /netops-help for what is.',
    );
    expect(refusal(() => authorize(policy, deploySpec, deployB, { userId: 'U0OPS', channelId: 'C0DEV' }))).toBe(
      '/deploy in tenant tenant-b is not allowed in this channel (C0DEV).',
    );
    expect(() =>
      authorize(policy, deploySpec, { ...deployB, tenant: 'default' }, { userId: 'U0OPS', channelId: 'C0DEV' }),
    ).not.toThrow();
  });

  it('a role without the command, or without the tenant, is refused with the roles held', () => {
    expect(refusal(() => authorize(policy, deploySpec, deployB, { userId: 'U0VIEW', channelId: 'C0OPS' }))).toBe(
      '@U0VIEW has no role that allows /deploy; roles: viewer',
    );
    expect(refusal(() => authorize(policy, deploySpec, { ...deployB, tenant: 'tenant-c' }, { userId: 'U0OPS' }))).toBe(
      '@U0OPS has no role that allows /deploy in tenant tenant-c; roles: operator',
    );
  });

  it('group members get the group roles; /audit needs admin even past a * grant', () => {
    expect(listRoles(policy, 'U0MEMBER')).toEqual(['operator']);
    expect(() => authorize(policy, deploySpec, deployB, { userId: 'U0MEMBER', channelId: 'C0OPS' })).not.toThrow();
    expect(refusal(() => authorize(policy, auditSpec, {}, { userId: 'U0OPS' }))).toMatch(/\/audit is for admins/);
    expect(() => authorize(policy, auditSpec, {}, { userId: 'U0ADMIN' })).not.toThrow();
    expect(isAdmin(policy, 'U0ADMIN')).toBe(true);
    expect(isAdmin(policy, 'U0OPS')).toBe(false);
  });
});

describe('help filtering and approvals', () => {
  it('lists what the caller may run here, and only /help without a policy', () => {
    expect(allowedCommands(policy, { userId: 'U0VIEW', channelId: 'C0OPS' }, allSpecs)).toEqual([
      'status',
      'jobs',
      'help',
    ]);
    expect(allowedCommands(policy, { userId: 'U0OPS', channelId: 'C0DEV' }, allSpecs)).toEqual([
      'deploy',
      'status',
      'help',
    ]);
    expect(allowedCommands(undefined, { userId: 'console' }, allSpecs)).toEqual(['help']);
    expect(mayRun(policy, auditSpec, { userId: 'U0ADMIN' })).toBe(true);
    expect(mayRun(policy, auditSpec, { userId: 'U0OPS' })).toBe(false);
  });

  it('approval is required by tenant or by command; approvers are checked per tenant', () => {
    expect(isApprovalRequired(policy, 'deploy', 'tenant-b')).toBe(true);
    expect(isApprovalRequired(policy, 'deploy', 'default')).toBe(false);
    expect(isApprovalRequired(policy, 'deploy-stop', 'default')).toBe(true);
    expect(isApprovalRequired(undefined, 'deploy', 'tenant-b')).toBe(false);
    expect(() => authorizeApproval(policy, 'U0APP', 'tenant-b')).not.toThrow();
    expect(() => authorizeApproval(policy, 'U0ADMIN', 'default')).not.toThrow();
    expect(refusal(() => authorizeApproval(policy, 'U0APP', 'default'))).toMatch(
      /may not approve writes in tenant default/,
    );
    expect(refusal(() => authorizeApproval(policy, 'U0OPS', 'tenant-b'))).toMatch(/needs the approver role/);
  });
});

describe('look-ups by user-typed keys reach only the policy’s own entries', () => {
  const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];
  it.each(keys)('user or channel %s is refused as unknown, never an internal error', (key) => {
    expect(() => authorize(policy, statusSpec, {}, { userId: key, channelId: 'C0OPS' })).toThrow(ForbiddenError);
    expect(() => authorize(policy, statusSpec, {}, { userId: 'U0ADMIN', channelId: key })).toThrow(
      /is not configured for netops-bot/,
    );
    expect(() => authorize(policy, deploySpec, { tenant: key }, { userId: 'U0OPS' })).toThrow(ForbiddenError);
    expect(listRoles(policy, key)).toEqual([]);
    expect(mayRun(policy, statusSpec, { userId: 'U0ADMIN', channelId: key })).toBe(false);
    expect(isApprovalRequired(policy, key, key)).toBe(false);
    expect(() => authorizeApproval(policy, key, 'tenant-b')).toThrow(ForbiddenError);
  });
});
