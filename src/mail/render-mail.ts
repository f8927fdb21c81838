import { html, raw } from 'hono/html'
import type { MailSettings } from './settings'

// One layout for every mail: a plain-text part and an HTML part made from the same content.
// Every value is escaped in the HTML part (hono/html); the only raw HTML is a post body that the
// forum sanitised when it was written.

export interface MailContent {
  /** First line of the mail, e.g. "Sam from support replied to your question". */
  heading: string
  paragraphs: string[]
  /** Labelled facts (an escalation's reproduction, say): plain text, escaped; preformatted keeps line breaks and spacing (logs). */
  facts?: { label: string; value: string; preformatted?: boolean }[]
  /** A post quoted in the mail: its sanitised HTML and its plain text. */
  post?: { authorName: string; html: string; text: string }
  /** Lists of links under a title (a digest's notices, a summary's items). */
  sections?: { title: string; items: { label: string; url: string }[] }[]
  /** Buttons (HTML) and links (text), e.g. "View the thread". */
  actions: { label: string; url: string }[]
  /** Why the person gets this mail, and how to stop it (non-essential mail). */
  footer: { reason: string; unsubscribeUrl?: string; preferencesUrl?: string }
}

export function renderMail(content: MailContent, settings: MailSettings): { text: string; html: string } {
  const text = [
    content.heading,
    '',
    ...content.paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...(content.facts ?? []).flatMap((fact) => [`${fact.label}:`, indent(fact.value), '']),
    ...(content.post ? [`${content.post.authorName} wrote:`, '', quote(content.post.text), ''] : []),
    ...(content.sections ?? []).flatMap((section) => [section.title, '', ...section.items.map((item) => `- ${item.label}\n  ${item.url}`), '']),
    ...content.actions.map((action) => `${action.label}: ${action.url}`),
    '',
    '-- ',
    `${settings.siteName} · ${settings.publicUrl}`,
    content.footer.reason,
    ...(content.footer.preferencesUrl ? [`Choose which mails you get: ${content.footer.preferencesUrl}`] : []),
    ...(content.footer.unsubscribeUrl ? [`Unsubscribe: ${content.footer.unsubscribeUrl}`] : []),
  ].join('\n')
  const body = html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width" />
    <title>${content.heading}</title>
  </head>
  <body style="margin:0;padding:24px;background:#f6f7f9;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2328;line-height:1.5">
    <div style="max-width:600px;margin:0 auto;background:#ffffff;border:1px solid #d8dee4;border-radius:6px;padding:24px">
      <p style="margin:0 0 16px;font-size:18px;font-weight:600">${content.heading}</p>
      ${content.paragraphs.map((paragraph) => html`<p style="margin:0 0 12px">${paragraph}</p>`)}
      ${content.facts?.length
        ? html`<dl style="margin:16px 0">
            ${content.facts.map(
              (fact) =>
                html`<dt style="margin:12px 0 2px;font-weight:600">${fact.label}</dt>
                  <dd style="margin:0;${fact.preformatted ? 'white-space:pre-wrap;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px;background:#f6f8fa;padding:8px;border-radius:4px' : 'white-space:pre-line'}">${fact.value}</dd>`,
            )}
          </dl>`
        : ''}
      ${content.post
        ? html`<p style="margin:16px 0 4px;color:#57606a">${content.post.authorName} wrote:</p>
            <blockquote style="margin:0 0 16px;padding:0 0 0 12px;border-left:3px solid #d0d7de">${raw(content.post.html)}</blockquote>`
        : ''}
      ${(content.sections ?? []).map(
        (section) => html`<p style="margin:16px 0 4px;font-weight:600">${section.title}</p>
          <ul style="margin:0 0 12px;padding-left:20px">
            ${section.items.map((item) => html`<li style="margin:0 0 4px"><a href="${item.url}" style="color:#0969da">${item.label}</a></li>`)}
          </ul>`,
      )}
      <p style="margin:20px 0 0">
        ${content.actions.map(
          (action) =>
            html`<a href="${action.url}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;background:#0969da;color:#ffffff;text-decoration:none;border-radius:6px">${action.label}</a>`,
        )}
      </p>
    </div>
    <p style="max-width:600px;margin:12px auto 0;font-size:12px;color:#57606a">
      ${settings.siteName} · ${content.footer.reason}
      ${content.footer.preferencesUrl ? html` · <a href="${content.footer.preferencesUrl}" style="color:#57606a">Choose which mails you get</a>` : ''}
      ${content.footer.unsubscribeUrl ? html` · <a href="${content.footer.unsubscribeUrl}" style="color:#57606a">Unsubscribe</a>` : ''}
    </p>
  </body>
</html>`
  return { text, html: String(body) }
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n')
}

function quote(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n')
}
