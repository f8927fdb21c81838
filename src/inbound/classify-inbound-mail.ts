// Mail that must never become a post: automatic replies (out of office, vacation, "we got your
// ticket") and bounces. Both are recognised from their headers, as RFC 3834 and RFC 3464 ask
// senders to mark them, and from the subjects of the mail systems that do not.

/** Header name (lower case) -> its value, unfolded. */
export type MailHeaders = Map<string, string>

const OUT_OF_OFFICE = [
  /^(auto(matic)?[ -]?(reply|response|antwort)|autoreply|auto:)/i,
  /\bout of (the )?office\b/i,
  /^(away|on vacation|vacation reply|abwesenheit|absence|réponse automatique|respuesta automática|risposta automatica|automatisch antwoord)/i,
]

/** Why this mail is an automatic reply, or null for a mail a person wrote. */
export function autoReplyReason(headers: MailHeaders, subject: string): string | null {
  const submitted = headers.get('auto-submitted')?.split(';')[0]?.trim().toLowerCase()
  if (submitted && submitted !== 'no') return `Auto-Submitted: ${submitted}`
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) if (headers.has(name)) return `${name}: ${headers.get(name)}`
  const precedence = headers.get('precedence')?.trim().toLowerCase()
  if (precedence && ['bulk', 'auto_reply', 'list', 'junk'].includes(precedence)) return `Precedence: ${precedence}`
  if (OUT_OF_OFFICE.some((pattern) => pattern.test(subject.trim()))) return `an automatic reply's subject (“${subject.trim().slice(0, 80)}”)`
  return null
}

export interface Bounce {
  /** False for a "delayed" report (4.x.x): the mail may still arrive, the address is not failing. */
  permanent: boolean
  /** Final-Recipient / Original-Recipient addresses the report is about. */
  recipients: string[]
  /** Message-IDs quoted in the report (the returned message's headers). */
  messageIds: string[]
  /** The receiving server's words, for the admin page. */
  diagnostic: string
}

/**
 * The delivery report in this mail, or null when it is no bounce: a multipart/report of type
 * delivery-status, or a mail from MAILER-DAEMON / postmaster or with an empty return path
 * (the null sender, which only bounces use).
 */
export function bounceOf(headers: MailHeaders, raw: string, envelopeFrom: string | null): Bounce | null {
  const contentType = (headers.get('content-type') ?? '').toLowerCase()
  const from = (headers.get('from') ?? '').toLowerCase()
  const returnPath = headers.get('return-path')?.trim()
  const isReport = contentType.startsWith('multipart/report') && /report-type="?delivery-status/.test(contentType)
  const fromDaemon = /\b(mailer-daemon|postmaster)@/.test(from) || /^mailer-daemon\b/.test(from)
  const nullSender = envelopeFrom === '' || returnPath === '<>'
  if (!isReport && !fromDaemon && !nullSender) return null
  const field = (name: string) => [...raw.matchAll(new RegExp(`^${name}:\\s*(.+)$`, 'gim'))].map((match) => match[1]!.trim())
  const recipients = [...new Set([...field('Final-Recipient'), ...field('Original-Recipient')].map((value) => value.replace(/^rfc822;\s*/i, '').replace(/^<|>$/g, '').toLowerCase()))]
  const actions = field('Action').map((value) => value.toLowerCase())
  const statuses = field('Status')
  const delayed = actions.length > 0 ? actions.every((action) => action === 'delayed') : statuses.length > 0 && statuses.every((status) => status.startsWith('4'))
  const ownId = headers.get('message-id')?.trim()
  const messageIds = [...new Set(field('Message-ID').map((value) => value.split(/\s/)[0]!))].filter((id) => id !== ownId)
  const diagnostic = field('Diagnostic-Code')[0]?.replace(/^smtp;\s*/i, '') ?? (statuses[0] ? `status ${statuses[0]}` : 'no diagnostic given')
  return { permanent: !delayed, recipients, messageIds, diagnostic: diagnostic.slice(0, 300) }
}
