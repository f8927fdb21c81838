import type { Env } from '../env'

/** What composing a mail needs to know about the site: where links point, who it is from. */
export interface MailSettings {
  /** The From header, e.g. "Acme Community <community@acme.example>". */
  from: string
  /** Origin of every link in a mail; no trailing slash. */
  publicUrl: string
  siteName: string
  /** The domain of Message-IDs and thread references (the From address's). */
  domain: string
  /** Inbound mail is configured (SMTP listener or webhook secret), so notifications carry a reply address. */
  replyByMail: boolean
}

export function mailSettingsOf(env: Pick<Env, 'mailFrom' | 'publicUrl' | 'siteName'> & Partial<Pick<Env, 'inboundSmtpPort' | 'inboundMailSecret'>>): MailSettings {
  const address = /<([^>]+)>/.exec(env.mailFrom)?.[1] ?? env.mailFrom
  const domain = address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : new URL(env.publicUrl).hostname
  const replyByMail = env.inboundSmtpPort !== undefined || !!env.inboundMailSecret
  return { from: env.mailFrom, publicUrl: env.publicUrl, siteName: env.siteName, domain, replyByMail }
}
