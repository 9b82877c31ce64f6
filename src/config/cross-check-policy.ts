import type { PolicyConfig } from './schema-policy.js';

/**
 * References inside the policy section and to tenants: a role a user or group names must exist, and a tenant an
 * approval or grant names must be configured (a typo would otherwise silently deny, or skip an approval).
 */
export function crossCheckPolicy(policy: PolicyConfig | undefined, tenants: readonly { name: string }[]): string[] {
  if (!policy) return [];
  const problems: string[] = [];
  const roles = Object.keys(policy.roles);
  const tenantNames = tenants.map((t) => t.name);
  const checkRoles = (at: string, list: readonly string[]) => {
    for (const role of list) {
      if (!roles.includes(role)) {
        problems.push(
          `${at}: role "${role}" is not defined in policy.roles — define it or use one of: ${roles.join(', ') || '(none)'}`,
        );
      }
    }
  };
  const checkTenants = (at: string, list: readonly string[]) => {
    for (const tenant of list) {
      if (tenant !== '*' && !tenantNames.includes(tenant)) {
        problems.push(
          `${at}: no tenant named "${tenant}" — use '*' or one of: ${tenantNames.join(', ') || '(no tenants)'}`,
        );
      }
    }
  };
  for (const [user, list] of Object.entries(policy.users)) checkRoles(`policy.users.${user}`, list);
  for (const [group, g] of Object.entries(policy.groups)) checkRoles(`policy.groups.${group}.roles`, g.roles);
  for (const [role, grant] of Object.entries(policy.roles)) checkTenants(`policy.roles.${role}.tenants`, grant.tenants);
  for (const [channel, grant] of Object.entries(policy.channels))
    checkTenants(`policy.channels.${channel}.tenants`, grant.tenants);
  checkTenants('policy.approvals.tenants', Object.keys(policy.approvals.tenants));
  return problems;
}
