// What a person wrote in a reply by mail, without the mail they replied to or their signature.
// Mail clients mark the quoted part in their own ways; these are the ones seen in practice:
//   Gmail, Apple Mail, Thunderbird, Yahoo:  "On <date>, <name> <address> wrote:" (often wrapped
//     over two lines), then "> " lines
//   Outlook:  "-----Original Message-----", or a line of underscores, or a header block
//     "From: … / Sent: … / To: … / Subject: …"
//   signatures:  "-- " (RFC 3676), and the lines phones add ("Sent from my iPhone")
// Everything from the first such marker on is dropped, and so is a block of "> " lines at the end
// (a reply written above an unmarked quote). Quotes between the person's own lines stay: that is
// someone answering point by point.

/** A line that starts the quoted mail: everything from it on is dropped. */
const QUOTE_HEADERS: RegExp[] = [
  /^-{2,}\s*Original Message\s*-{2,}$/i,
  /^-{2,}\s*(Forwarded message|Weitergeleitete Nachricht|Message transféré)\s*-{2,}$/i,
  /^Begin forwarded message:$/i,
  /^_{10,}$/,
  /^(On|Le|Am|El|Il|Op|Em)\s.+(wrote|a écrit|schrieb.*|escribió|ha scritto|schreef|escreveu)\s?:$/i,
]

/** "On Mon, 2 Mar 2026 at 10:00, Test Community <community@" + newline + "forum.example> wrote:" */
const WRAPPED_ON_WROTE = /^(On|Le|Am|El|Il|Op|Em)\s/i
const WROTE_END = /(wrote|a écrit|schrieb.*|escribió|ha scritto|schreef|escreveu)\s?:$/i

/** Outlook's header block: a From line followed (within a few lines) by Sent or Date. */
const OUTLOOK_FROM = /^\*?(From|Von|De|Da|Van)\s?:\*?\s/i
const OUTLOOK_SENT = /^\*?(Sent|Date|Gesendet|Envoyé|Enviado|Inviato|Verzonden)\s?:\*?\s/i

const SIGNATURE = /^--\s?$/

/** What phones and mail apps append; the line and anything after it go. */
const MOBILE_SIGNATURES: RegExp[] = [
  /^Sent from my (iPhone|iPad|iPod|Android|BlackBerry|Samsung|Galaxy|Pixel|mobile|phone|Huawei|Xiaomi)\b.*$/i,
  /^Sent from (Outlook|Mail|Yahoo Mail|Gmail|ProtonMail|Proton Mail|Samsung Mobile)\b.*$/i,
  /^Sent (via|with) .{0,40}(mobile|phone|Android|iOS|Mail)\b.*$/i,
  /^Get Outlook for (iOS|Android)\s*$/i,
  /^Von meinem (iPhone|iPad|Android|Smartphone).{0,30}gesendet\s*$/i,
  /^Envoyé de mon (iPhone|iPad|smartphone|Android).*$/i,
  /^Enviado desde mi (iPhone|iPad|Android|smartphone).*$/i,
]

export function stripQuotedText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\u00a0/g, ' ').split('\n')
  let end = lines.length
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (isCutLine(line, lines, i)) {
      end = i
      break
    }
  }
  const kept = lines.slice(0, end)
  // A trailing block of quoted lines (and the blank lines around it) is the mail replied to.
  let last = kept.length
  while (last > 0 && (kept[last - 1]!.trim() === '' || kept[last - 1]!.trimStart().startsWith('>'))) last--
  return kept
    .slice(0, last)
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n')
    .replace(/^\s*\n/, '')
    .trim()
}

function isCutLine(line: string, lines: string[], index: number): boolean {
  if (SIGNATURE.test(lines[index]!)) return true
  // An attribution carries a date: "On second thought, I wrote:" is the person's own line.
  if (QUOTE_HEADERS.some((pattern) => pattern.test(line)) && (!WRAPPED_ON_WROTE.test(line) || /\d/.test(line))) return true
  if (MOBILE_SIGNATURES.some((pattern) => pattern.test(line))) return true
  if (WRAPPED_ON_WROTE.test(line) && !WROTE_END.test(line)) {
    // The attribution wrapped: "On … <address" / "> wrote:" within the next two lines.
    for (let next = index + 1; next <= index + 2 && next < lines.length; next++) {
      const following = lines[next]!.trim()
      if (following === '' || following.startsWith('>')) break
      if (WROTE_END.test(following)) return /\d/.test(`${line} ${following}`)
    }
  }
  if (OUTLOOK_FROM.test(line)) {
    for (let next = index + 1; next <= index + 3 && next < lines.length; next++) if (OUTLOOK_SENT.test(lines[next]!.trim())) return true
  }
  return false
}
