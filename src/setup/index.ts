// First-run setup: what a fresh forum is given at start, and the checklist an admin follows
// until the forum is set up.
export { DEFAULT_CATEGORY, DEFAULT_TEAM } from './defaults'
export { ensureDefaultCategory } from './ensure-default-category'
export { getSetupChecklist, setupChecklistKeys, type SetupChecklist, type SetupChecklistItem, type SetupChecklistKey } from './queries'
