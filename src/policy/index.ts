// Who may do what, by role: the one place role checks live. A leaf that imports no domain, so
// every domain (the outbox and mail included) can ask it without importing auth, which itself
// sends mail.
export { isAdmin, isEngineer, isStaff, requireAdmin, requireSignedIn, requireStaff, staffRoles } from './roles'
export { apiScopesFor, memberApiScopes } from './api-scopes'
