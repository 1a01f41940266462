/** Roles, lowest to highest; each includes what the ones below it may do. */
export const roles = ['viewer', 'scientist', 'approver', 'admin'] as const;
export type Role = (typeof roles)[number];

export function roleAtLeast(actual: Role, required: Role): boolean {
  return roles.indexOf(actual) >= roles.indexOf(required);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}
