// An explainable classifier for "this thread reads like a defect report": each signal is a
// named pattern with a weight, the score is the sum of the signals that fired, and the item
// records which fired and the text that made them fire. No model, nothing hidden.

export interface BugSignal {
  name: string
  weight: number
  /** The stretch of text that made it fire, shortened. */
  evidence: string
}

export interface BugAssessment {
  score: number
  signals: BugSignal[]
}

interface SignalRule {
  name: string
  weight: number
  pattern: RegExp
}

// Weights are on a scale where BUG_THRESHOLD (see queue-config.ts) means "a bug report".
export const BUG_SIGNAL_RULES: SignalRule[] = [
  { name: 'stack trace', weight: 4, pattern: /(^|\n)\s*at [\w$.<>]+ ?\(.*:\d+(:\d+)?\)|Traceback \(most recent call last\)|(^|\n)\s*File ".+", line \d+|Exception in thread "|(^|\n)\s+at [\w$.]+\.[\w$<>]+\(/ },
  { name: 'exception name', weight: 3, pattern: /\b[A-Z][A-Za-z0-9]*(Exception|Error)\b(?!\s+(message|handling|page)s?\b)/ },
  { name: 'HTTP 5xx', weight: 3, pattern: /\b(HTTP|status|error|code|returns?|got|with)\W{0,3}5\d\d\b|\b5\d\d (Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b|\b(Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)\b/i },
  { name: 'error code', weight: 2, pattern: /\b(E|ERR|ERROR)[-_ ]?[A-Z_]*\d{2,}\b|\berror code:? ?[A-Z0-9_-]{2,}\b|\b0x[0-9a-f]{6,}\b|\bERR_[A-Z_]{3,}\b/i },
  { name: 'crash', weight: 3, pattern: /\b(crash(es|ed|ing)?|segfault|segmentation fault|core dump(ed)?|panic(ked)?|kernel panic|freez(es|ing)|hangs?\b|force[- ]clos)/i },
  { name: 'regression', weight: 3, pattern: /\b(regression|used to work|worked (fine )?before|stopped working|no longer works?|since (upgrading|updating|the (last )?(update|upgrade|release))|after (upgrading|updating|the (latest )?(update|upgrade|release)))\b/i },
  { name: 'log lines', weight: 2, pattern: /(^|\n)\[?\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?\S*\]?.{0,40}\b(ERROR|FATAL|WARN(ING)?|CRITICAL)\b/ },
  { name: 'version string', weight: 1, pattern: /\bv?\d+\.\d+\.\d+\b|\bversion \d+(\.\d+)+\b/i },
  { name: 'broken behaviour', weight: 2, pattern: /\b(bug|broken|(is|are) (wrong|incorrect)|doesn'?t work|does not work|not working|fails?|failing|failed|wrong (result|total|amount|value)s?|data loss|lost (data|my)|corrupt(ed)?)\b/i },
  // Questions about how to do something are not defect reports.
  { name: 'how-to question', weight: -2, pattern: /^(how (do|can|to|should)|is (it|there) (a way|possible)|can i|what is the best way)\b/i },
  { name: 'feature request', weight: -3, pattern: /\b(feature request|would be (nice|great)|please add|it would help if|suggestion:)\b/i },
]

function evidenceOf(text: string, match: RegExpExecArray): string {
  const start = Math.max(0, match.index - 20)
  const snippet = text.slice(start, match.index + match[0].length + 20).replace(/\s+/g, ' ').trim()
  return snippet.length > 90 ? `${snippet.slice(0, 89)}…` : snippet
}

/** Scores a thread's title and text; each rule counts once. */
export function assessBugSignals(title: string, body: string): BugAssessment {
  const text = `${title}\n${body}`
  const signals: BugSignal[] = []
  for (const rule of BUG_SIGNAL_RULES) {
    // How-to phrasing counts only at the start of the title, where askers put it.
    const subject = rule.name === 'how-to question' ? title.trim() : text
    const match = rule.pattern.exec(subject)
    if (match) signals.push({ name: rule.name, weight: rule.weight, evidence: evidenceOf(subject, match) })
  }
  return { score: signals.reduce((sum, signal) => sum + signal.weight, 0), signals }
}
