import { apiScopes, type ApiScope, type Role } from '../db/schema'
import { isStaff } from './roles'

// Which API scopes a person may put on their own tokens. A token never reaches further than its
// owner's role (the domain checks the role again on every request); offering a member a staff
// scope would only make a token that answers 404 everywhere.

/** What every signed-in person may do through the API: public threads, posting as themselves, their notices. */
export const memberApiScopes: readonly ApiScope[] = ['threads:read', 'threads:write', 'notifications:read']

/** The scopes a person with `role` may choose for a token, in the order the tokens page lists them. */
export function apiScopesFor(role: Role): readonly ApiScope[] {
  return isStaff({ role }) ? apiScopes : apiScopes.filter((scope) => memberApiScopes.includes(scope))
}
