// The wire between support and engineering: escalations with a reproduction, the engineer's
// answer, the replies that close the loop with customers, fix confirmation, handoffs, the daily
// sync and fairness. It reaches the queue only through src/queue/index.ts and asks rotation/
// (scheduling) who is on; neither of those imports from here.
export { announceFix, type AnnouncedFix } from './announce-fix'
export { answerEscalation } from './answer-escalation'
export { confirmFix } from './confirm-fix'
export { confirmFixByToken } from './confirm-fix-by-token'
export { draftHandoff } from './draft-handoff'
export { escalateItem } from './escalate-item'
export { getEscalation, listEscalations, type EscalationEntry, type EscalationFilters } from './escalation-list'
export { draftHandoffs, escalationHandlers, runEscalationTick, scheduleEscalationTick } from './escalation-tick'
export { markSync } from './mark-sync'
export { publishHandoff } from './publish-handoff'
export { sendLoopReplies } from './send-loop-replies'
export { summarisePeriod, type HandoffSummary } from './handoff-summary'
export { getFairness, getFixConfirmation, getFixLink, getHandoff, getHandoffs, readInboxStamp, getItemEngineering, getMyEscalations, getSyncView, INBOX_PAGE_SIZE } from './queries'
export type { EscalationInbox, FairnessView, FixLinkView, HandoffList, InboxEscalation, ItemEngineering, SyncView } from './queries'
