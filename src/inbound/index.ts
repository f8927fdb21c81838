// Mail coming in: replies by mail (reply+<token>@ and note+<token>@ addresses) become posts as the
// person the address was issued to; automatic replies and bounces are recorded, never posted. By
// the SMTP listener (INBOUND_SMTP_PORT) or POST /api/v1/inbound-mail (a provider's webhook).
export { INBOUND_MAX_BYTES, startInboundSmtp, type InboundSmtp } from './start-inbound-smtp'
export { receiveInboundMail, type InboundMailInput, type InboundOutcome } from './receive-inbound-mail'
export { screenRecipient } from './screen-recipient'
export { stripQuotedText } from './strip-quoted-text'
export { mailTextToMarkdown } from './mail-text-to-markdown'
