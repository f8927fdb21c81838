import { assessBugSignals } from './bug-signals'
import { QUEUE_CONFIG } from './queue-config'

// Whether a customer's reply on a thread whose item was closed is new evidence that the problem
// is not solved. Thanks, "works now" and follow-up questions are not; "still broken" and a
// reply that itself reads like a defect report are. Explainable like the bug classifier: the
// reopening event records which phrase or signals fired.

export interface ReopenEvidence {
  /** 'still broken' (the customer says so) or 'bug signal' (the reply reads like a defect report). */
  reason: 'still broken' | 'bug signal'
  evidence: string
}

const STILL_BROKEN =
  /\b(still (broken|failing|fails|crashing|crashes|happening|happens|(not|n[o']t) work(ing)?|the same|an issue|a problem|see(ing)? (it|this|the (error|issue|problem)))|(is|it'?s|was|are) not fixed|(has|have)n'?t been fixed|not (fixed|resolved) (yet|for me)|(does not|doesn'?t|did not|didn'?t) (fix|solve|help)|broken again|(is )?back again|happen(s|ing|ed)? again|came back|(same|the) (error|problem|issue) (again|is back|returned))\b/i

/** What, if anything, in the reply's own text says the problem is back. */
export function reopenEvidenceOf(replyText: string): ReopenEvidence | null {
  const phrase = STILL_BROKEN.exec(replyText)
  if (phrase) return { reason: 'still broken', evidence: phrase[0] }
  const bug = assessBugSignals('', replyText)
  if (bug.score >= QUEUE_CONFIG.bugThreshold) return { reason: 'bug signal', evidence: bug.signals.map((signal) => signal.name).join(', ') }
  return null
}
