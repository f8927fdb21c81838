// The staff audit log: every staff action (role changes, moderation, settings) recorded in the
// transaction of the change, and read by admins at /admin/audit. A leaf: any domain may record
// through it; it imports no other domain but policy.
export { recordStaffAction } from './record-staff-action'
export {
  AUDIT_PAGE_SIZE,
  auditCursorParam,
  getAuditFilterChoices,
  listAuditEntries,
  parseAuditCursor,
  type AuditCursor,
  type AuditEntryRow,
  type AuditFilterChoices,
  type AuditPage,
} from './queries'
export { AuditFilter, StaffActionInput } from './schemas'
