import { slashTextOf } from '../commands/slash-names.js';
import type { CommandSpec } from '../commands/types.js';
import { ForbiddenError } from '../errors.js';
import { describeUser } from '../report/mention.js';

/** One grant: commands (spec names or `*`) in tenants (names or `*`). */
interface PolicyGrant {
  readonly commands: readonly string[];
  readonly tenants: readonly string[];
}

/** The `policy` config section as the checks read it (see src/config/schema-policy.ts). */
export interface AccessPolicy {
  readonly roles: Readonly<Record<string, PolicyGrant>>;
  readonly users: Readonly<Record<string, readonly string[]>>;
  readonly groups: Readonly<Record<string, { readonly members: readonly string[]; readonly roles: readonly string[] }>>;
  readonly channels: Readonly<Record<string, PolicyGrant>>;
  readonly approvals: {
    readonly tenants: Readonly<Record<string, 'required' | 'none'>>;
    readonly commands: Readonly<Record<string, 'required' | 'none'>>;
    readonly expiryMinutes: number;
  };
}

/** Who asks: Slack requests carry a channel; console and CLI requests do not (channel rules then do not apply). */
export interface Caller {
  userId: string;
  channelId?: string;
}

/** Commands anyone may run, even without a policy: they touch nothing and say how to get access. */
const ALWAYS_ALLOWED = new Set(['help']);
/** Commands only the `admin` role may run, whatever `*` grants say. */
const ADMIN_ONLY = new Set(['audit']);

export const NO_POLICY_MESSAGE =
  'netops-bot has no access policy yet, so only /netops-help works. An admin adds a `policy:` section (roles, users, channels) to the config; see config/netops.example.yaml.';

/** The roles of a user: direct ones and those of the user groups listing them. */
export function listRoles(policy: AccessPolicy, userId: string): string[] {
  const roles = new Set(own(policy.users, userId) ?? []);
  for (const group of Object.values(policy.groups))
    if (group.members.includes(userId)) for (const r of group.roles) roles.add(r);
  return [...roles].filter((r) => Object.hasOwn(policy.roles, r) || r === 'admin' || r === 'approver');
}

/** True for users with the `admin` role (audit trail, cancelling others' jobs). */
export function isAdmin(policy: AccessPolicy | undefined, userId: string): boolean {
  return policy !== undefined && listRoles(policy, userId).includes('admin');
}

/**
 * Throws ForbiddenError unless the caller may run `spec` with these args here; the message says what is
 * missing (no policy, unknown user, channel, command, tenant). Pure: the intake calls it at ack time and the
 * worker again with the config of the moment.
 */
export function authorize(
  policy: AccessPolicy | undefined,
  spec: Pick<CommandSpec, 'name' | 'words'>,
  args: Readonly<Record<string, unknown>>,
  who: Caller,
): void {
  if (ALWAYS_ALLOWED.has(spec.name)) return;
  if (!policy) throw new ForbiddenError(NO_POLICY_MESSAGE);
  const command = slashTextOf(spec.words);
  const tenant = typeof args.tenant === 'string' ? args.tenant : undefined;
  const user = describeUser(who.userId);
  const roles = listRoles(policy, who.userId);
  if (roles.length === 0) {
    throw new ForbiddenError(
      `${user} has no role in netops-bot, so ${command} was not run: an admin must add ${who.userId} to policy.users (or to a group in policy.groups).`,
    );
  }
  if (who.channelId !== undefined) checkChannel(policy, who.channelId, spec.name, command, tenant);
  if (ADMIN_ONLY.has(spec.name)) {
    if (!roles.includes('admin'))
      throw new ForbiddenError(`${command} is for admins; ${user} has roles: ${roles.join(', ')}`);
    return;
  }
  const grants = roles.map((r) => own(policy.roles, r)).filter((g): g is PolicyGrant => g !== undefined);
  const withCommand = grants.filter((g) => matches(g.commands, spec.name));
  if (withCommand.length === 0) {
    throw new ForbiddenError(`${user} has no role that allows ${command}; roles: ${roles.join(', ')}`);
  }
  if (tenant !== undefined && !withCommand.some((g) => matches(g.tenants, tenant))) {
    throw new ForbiddenError(
      `${user} has no role that allows ${command} in tenant ${tenant}; roles: ${roles.join(', ')}`,
    );
  }
}

function checkChannel(policy: AccessPolicy, channelId: string, name: string, command: string, tenant?: string) {
  const channel = own(policy.channels, channelId);
  if (!channel) {
    throw new ForbiddenError(
      `this channel (${channelId}) is not configured for netops-bot, so ${command} was not run: an admin must add it to policy.channels.`,
    );
  }
  if (!matches(channel.commands, name)) {
    throw new ForbiddenError(`${command} is not allowed in this channel (${channelId}); see /netops-help for what is.`);
  }
  if (tenant !== undefined && !matches(channel.tenants, tenant)) {
    throw new ForbiddenError(`${command} in tenant ${tenant} is not allowed in this channel (${channelId}).`);
  }
}

/** Whether the caller may run the command here in some tenant (for /help). */
export function mayRun(policy: AccessPolicy | undefined, spec: Pick<CommandSpec, 'name' | 'words'>, who: Caller) {
  if (ALWAYS_ALLOWED.has(spec.name)) return true;
  if (!policy) return false;
  const roles = listRoles(policy, who.userId);
  if (who.channelId !== undefined && !matches(own(policy.channels, who.channelId)?.commands ?? [], spec.name))
    return false;
  if (ADMIN_ONLY.has(spec.name)) return roles.includes('admin');
  return roles.some((r) => matches(own(policy.roles, r)?.commands ?? [], spec.name));
}

/** Spec names of the commands the caller may run here, in the order given. */
export function allowedCommands(
  policy: AccessPolicy | undefined,
  who: Caller,
  specs: ReadonlyArray<Pick<CommandSpec, 'name' | 'words'>>,
): string[] {
  return specs.filter((spec) => mayRun(policy, spec, who)).map((spec) => spec.name);
}

/**
 * Throws ForbiddenError unless the user may approve writes in this tenant: a role named `approver` or `admin`
 * whose grant covers the tenant (a role without a grant entry covers every tenant).
 */
export function authorizeApproval(policy: AccessPolicy | undefined, userId: string, tenant: string): void {
  if (!policy) throw new ForbiddenError(NO_POLICY_MESSAGE);
  const roles = listRoles(policy, userId).filter((r) => r === 'approver' || r === 'admin');
  const covers = roles.some((r) => {
    const grant = own(policy.roles, r);
    return !grant || matches(grant.tenants, tenant);
  });
  if (!covers) {
    throw new ForbiddenError(
      `${describeUser(userId)} may not approve writes in tenant ${tenant}: that needs the approver role.`,
    );
  }
}

/** Whether a write in this tenant needs an approver's button press (tenant or command marked `required`). */
export function isApprovalRequired(policy: AccessPolicy | undefined, commandName: string, tenant: string): boolean {
  if (!policy) return false;
  return (
    own(policy.approvals.tenants, tenant) === 'required' || own(policy.approvals.commands, commandName) === 'required'
  );
}

/**
 * Throws ForbiddenError unless an approval decision may be taken in this channel: the same channel rules as for
 * typing the command itself (the channel is configured, allows the command and its tenant). A press outside
 * any channel (console, CLI) has no channel rules, as for commands.
 */
export function authorizeApprovalChannel(
  policy: AccessPolicy | undefined,
  channelId: string | undefined,
  approval: { commandName: string; commandText: string; tenant: string },
): void {
  if (channelId === undefined) return;
  if (!policy) throw new ForbiddenError(NO_POLICY_MESSAGE);
  checkChannel(policy, channelId, approval.commandName, `a decision on \`${approval.commandText}\``, approval.tenant);
}

/**
 * The entry of a config map for a key typed by a user (Slack ids, tenant names): only the map's own keys count,
 * so `constructor`, `__proto__` or `toString` never reach Object.prototype.
 */
function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function matches(list: readonly string[], value: string): boolean {
  return list.includes('*') || list.includes(value);
}
