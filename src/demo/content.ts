import type { Plan, Role } from '../db/schema'

// What the demo forum says: the fictional product ("Relaybase", a records-and-automations
// SaaS), its categories, customers and staff, and the question/answer templates that
// seed-demo.ts fills with slots (versions, integrations, error codes) and plants through
// the real forum verbs. Nothing here touches the database.

export const PRODUCT = 'Relaybase'

// --- Markdown helper ------------------------------------------------------

const MARK = '\u0000'

/**
 * A template tag for Markdown written indented in this file: removes the indentation the
 * literal text shares (so it does not become a code block), then inserts the values, so a
 * multi-line value (a code block) keeps its own layout.
 */
export function md(strings: TemplateStringsArray, ...values: unknown[]): string {
  const lines = strings.join(MARK).split('\n')
  const indents = lines.filter((line) => line.trim() !== '').map((line) => /^[ \t]*/.exec(line)![0].length)
  const common = indents.length ? Math.min(...indents) : 0
  const dedented = lines.map((line) => line.slice(Math.min(common, /^[ \t]*/.exec(line)![0].length))).join('\n')
  const parts = dedented.split(MARK)
  return parts
    .map((part, index) => (index < values.length ? part + String(values[index]) : part))
    .join('')
    .trim()
}

/** A fenced code block (tildes, so it sits inside template literals without escaping). */
export function code(language: string, body: string): string {
  return `~~~${language}\n${body.replace(/^\n+|\s+$/g, '')}\n~~~`
}

// --- Categories, organisations, people --------------------------------------

export const categorySlugs = [
  'getting-started',
  'billing',
  'integrations',
  'data',
  'performance',
  'security',
  'bugs',
  'feature-requests',
] as const
export type CategorySlug = (typeof categorySlugs)[number]

export interface DemoCategory {
  slug: CategorySlug
  name: string
  description: string
  team: string
}

export const CATEGORIES: DemoCategory[] = [
  {
    slug: 'getting-started',
    name: 'Getting started',
    description: 'First steps: workspaces, inviting your team, the rb CLI and your first automation.',
    team: 'onboarding',
  },
  {
    slug: 'billing',
    name: 'Billing & plans',
    description: 'Invoices, seats, plan changes, VAT and payment methods.',
    team: 'billing',
  },
  {
    slug: 'integrations',
    name: 'Integrations & API',
    description: 'The REST API, SDKs, webhooks, OAuth apps and connectors (Slack, Salesforce, Zapier...).',
    team: 'platform',
  },
  {
    slug: 'data',
    name: 'Data import/export',
    description: 'CSV and Excel imports, scheduled exports to warehouses, backups and migrations.',
    team: 'data',
  },
  {
    slug: 'performance',
    name: 'Performance',
    description: 'Slow dashboards, API latency, automation delays and large workspaces.',
    team: 'platform',
  },
  {
    slug: 'security',
    name: 'Security & SSO',
    description: 'SAML single sign-on, SCIM provisioning, two-factor authentication, audit logs and compliance.',
    team: 'identity',
  },
  {
    slug: 'bugs',
    name: 'Bug reports',
    description: 'Something broke? Include the version, what you did, what happened and any error or request ID.',
    team: 'platform',
  },
  {
    slug: 'feature-requests',
    name: 'Feature requests',
    description: 'Ideas and wishes. Upvote the ones you need; the product team reads every thread.',
    team: 'product',
  },
]

export interface DemoOrganisation {
  name: string
  plan: Plan
  mrrCents: number
  isPriority: boolean
  /** Email domain of its people. */
  domain: string
}

export const ORGANISATIONS: DemoOrganisation[] = [
  { name: 'Brightwater Logistics', plan: 'enterprise', mrrCents: 1_240_000, isPriority: true, domain: 'brightwater.example' },
  { name: 'Northgate Health', plan: 'enterprise', mrrCents: 1_890_000, isPriority: true, domain: 'northgatehealth.example' },
  { name: 'Halden Insurance Group', plan: 'enterprise', mrrCents: 760_000, isPriority: false, domain: 'halden.example' },
  { name: 'Fernhill Studio', plan: 'paid', mrrCents: 145_000, isPriority: false, domain: 'fernhill.example' },
  { name: 'Quarry Analytics', plan: 'paid', mrrCents: 230_000, isPriority: false, domain: 'quarry.example' },
  { name: 'Marlow & Finch', plan: 'paid', mrrCents: 98_000, isPriority: false, domain: 'marlowfinch.example' },
  { name: 'Pinecrest Schools', plan: 'startup', mrrCents: 29_000, isPriority: false, domain: 'pinecrest.example' },
  { name: 'Tinkerbox Labs', plan: 'startup', mrrCents: 14_900, isPriority: false, domain: 'tinkerbox.example' },
  { name: 'Saltmarsh Coffee Co.', plan: 'startup', mrrCents: 9_900, isPriority: false, domain: 'saltmarsh.example' },
  { name: 'Open Orchard', plan: 'free', mrrCents: 0, isPriority: false, domain: 'openorchard.example' },
  { name: 'Hobby Hub Collective', plan: 'free', mrrCents: 0, isPriority: false, domain: 'hobbyhub.example' },
]

/** The accounts whose fresh passwords the demo prints at every start. */
export const demoAccountKeys = ['admin', 'support', 'engineer', 'enterprise-customer', 'startup-customer'] as const
export type DemoAccountKey = (typeof demoAccountKeys)[number]

export interface DemoPerson {
  name: string
  email: string
  role: Role
  organisation: string | null
  /** Set on the handful of accounts that get a printed password. */
  demo?: DemoAccountKey
  /** How often this person answers other people's questions (community regulars answer more). */
  helpfulness?: number
}

const STAFF_DOMAIN = 'relaybase.example'

/** "Lucía Navarro" -> "lucia.navarro@domain": ASCII only, so the sign-in form accepts it. */
const emailOf = (name: string, domain: string) =>
  `${name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z ]/g, '')
    .trim()
    .replace(/\s+/g, '.')}@${domain}`

const staff = (name: string, role: Role, demo?: DemoAccountKey): DemoPerson => ({
  name,
  email: emailOf(name.split(' ')[0]!, STAFF_DOMAIN),
  role,
  organisation: null,
  ...(demo ? { demo } : {}),
})

export const STAFF: DemoPerson[] = [
  staff('Maya Lindqvist', 'admin', 'admin'),
  staff('Tomás Herrera', 'support', 'support'),
  staff('Grace Mensah', 'support'),
  staff('Owen Pritchard', 'support'),
  staff('Leila Haddad', 'support'),
  staff('Aiko Tanaka', 'engineer', 'engineer'),
  staff('Felix Brandt', 'engineer'),
  staff('Ravi Kulkarni', 'engineer'),
  staff('Sofia Marchetti', 'engineer'),
]

// [display name, organisation or null, helpfulness]; emails come from the organisation's domain.
const customerRows: [string, string | null, number?][] = [
  ['Priya Raman', 'Brightwater Logistics', 3],
  ['Daniel Okoro', 'Brightwater Logistics'],
  ['Hannah Weiss', 'Brightwater Logistics'],
  ['Marcus Bell', 'Brightwater Logistics'],
  ['Yuki Sato', 'Brightwater Logistics'],
  ['Elena Petrova', 'Northgate Health', 2],
  ['James Whitfield', 'Northgate Health'],
  ['Amara Nwosu', 'Northgate Health'],
  ['Lucas Ferreira', 'Northgate Health'],
  ['Chloe Dubois', 'Northgate Health'],
  ['Tobias Lindgren', 'Halden Insurance Group'],
  ['Fatima Al-Sayed', 'Halden Insurance Group'],
  ['Connor Walsh', 'Halden Insurance Group'],
  ['Ingrid Solberg', 'Halden Insurance Group'],
  ['Noah Fischer', 'Fernhill Studio', 2],
  ['Isla McKenzie', 'Fernhill Studio'],
  ['Mateo Alvarez', 'Fernhill Studio'],
  ['Zara Ahmed', 'Fernhill Studio'],
  ['Wei Zhang', 'Quarry Analytics', 4],
  ['Olivia Hart', 'Quarry Analytics'],
  ['Samuel Adeyemi', 'Quarry Analytics'],
  ['Mia Kowalski', 'Quarry Analytics'],
  ['Ben Carter', 'Quarry Analytics'],
  ['Ruth Abernathy', 'Marlow & Finch'],
  ['Kenji Watanabe', 'Marlow & Finch'],
  ['Laura Esposito', 'Marlow & Finch'],
  ['Diego Romero', 'Marlow & Finch'],
  ['Sarah Lindholm', 'Pinecrest Schools'],
  ['Kwame Asante', 'Pinecrest Schools'],
  ['Emily Novak', 'Pinecrest Schools'],
  ['Arjun Mehta', 'Tinkerbox Labs', 3],
  ['Freya Olsen', 'Tinkerbox Labs'],
  ['Theo Laurent', 'Tinkerbox Labs'],
  ['Nadia Haddou', 'Saltmarsh Coffee Co.'],
  ['Jack Morrison', 'Saltmarsh Coffee Co.'],
  ['Lina Berg', 'Saltmarsh Coffee Co.'],
  ['Omar Farouk', 'Open Orchard'],
  ['Grace Liu', 'Open Orchard'],
  ['Pablo Santos', 'Open Orchard'],
  ['Erin Gallagher', 'Hobby Hub Collective'],
  ['Viktor Hansen', 'Hobby Hub Collective'],
  ['Ana Costa', 'Hobby Hub Collective'],
  ['Rachel Green', 'Halden Insurance Group'],
  ['Sven Nilsson', 'Northgate Health'],
  ['Aisha Bello', 'Quarry Analytics'],
  ['Michael Tran', 'Brightwater Logistics'],
  ['Claire Fontaine', 'Fernhill Studio'],
  ['dmitri_k', null, 3],
  ['Jo Codes', null],
  ['Alex Rivera', null],
  ['Sam Whitaker', null],
  ['Nora Quinn', null],
  ['Henrik Dahl', null, 2],
  ['Chen Wei', null],
  ['Lucía Navarro', null],
  ['Patrick O\u2019Brien', null],
  ['Mei Lin', null],
  ['Tunde Bakare', null],
  ['automation_andy', null, 2],
  ['Kasia Nowak', null],
]

const organisationDomain = new Map(ORGANISATIONS.map((o) => [o.name, o.domain]))

export const CUSTOMERS: DemoPerson[] = customerRows.map(([name, organisation, helpfulness]) => ({
  name,
  email: emailOf(name.replace(/_/g, ' '), organisation ? organisationDomain.get(organisation)! : 'mail.example'),
  role: 'member',
  organisation,
  ...(helpfulness ? { helpfulness } : {}),
  ...(name === 'Priya Raman' ? { demo: 'enterprise-customer' as const } : {}),
  ...(name === 'Nadia Haddou' ? { demo: 'startup-customer' as const } : {}),
}))

/** Posts link-spam; its one reply gets hidden by staff. */
export const SPAMMER: DemoPerson = {
  name: 'RankRocket Growth',
  email: 'offers@rankrocket.example',
  role: 'member',
  organisation: null,
}

// --- Slots ----------------------------------------------------------------

/** The values a template is filled with; seed-demo.ts draws them per thread. */
export interface Slots {
  /** First name of the person who asked. */
  asker: string
  /** Their workspace slug, from their organisation. */
  workspace: string
  version: string
  nextVersion: string
  sdkVersion: string
  cliVersion: string
  integration: string
  idp: string
  warehouse: string
  lang: 'node' | 'python'
  os: string
  browser: string
  region: string
  /** An error code like E4012. */
  code: string
  status: number
  requestId: string
  ticket: string
  rows: string
  mb: number
  seats: number
  activeSeats: number
  /** Month before the question was asked ("January"). */
  month: string
  /** A recent day before the question ("12 Feb"). */
  day: string
  minutes: number
  widgets: number
}

export const SLOT_VALUES = {
  versions: ['2.3.4', '2.4.0', '2.4.1', '2.4.2', '2.5.0', '2.5.1', '2.5.3', '2.6.0', '2.6.1'],
  sdkVersions: ['3.8.2', '3.9.0', '3.9.1', '4.0.0', '4.0.2', '4.1.0'],
  cliVersions: ['1.12.0', '1.12.3', '1.13.1', '1.14.0'],
  integrations: ['Slack', 'HubSpot', 'Salesforce', 'Jira', 'Zendesk', 'Microsoft Teams', 'GitHub'],
  idps: ['Okta', 'Microsoft Entra ID', 'Google Workspace', 'OneLogin', 'JumpCloud'],
  warehouses: ['Snowflake', 'BigQuery', 'Amazon S3', 'Redshift'],
  langs: ['node', 'python'] as const,
  oses: ['macOS 14.5', 'macOS 15.1', 'Windows 11 23H2', 'Ubuntu 22.04', 'Windows 10 22H2'],
  browsers: ['Chrome 126', 'Firefox 128', 'Safari 17.5', 'Edge 126', 'Chrome 127'],
  regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2', 'eu-central-1'],
  statuses: [500, 502, 503, 504],
}

// --- Scenario templates ------------------------------------------------------

export type Answerer = 'anyone' | 'staff' | 'support' | 'engineer'

export interface Scenario {
  category: CategorySlug
  /** Up to four; `extraTag` may add a fifth. */
  tags: string[]
  extraTag?: (s: Slots) => string
  /** Only customers on these plans ask it (SSO is an Enterprise feature, say). */
  plans?: Plan[]
  titles: ((s: Slots) => string)[]
  question: (s: Slots) => string
  /** The reply that solves it. */
  answer: (s: Slots) => string
  answerBy?: Answerer
  /** A staff question for more detail, and the asker's reply to it. */
  clarify?: { ask: (s: Slots) => string; details: (s: Slots) => string }
  /** Extra replies from other customers: tips, caveats, their own experience. */
  followUps?: ((s: Slots) => string)[]
  /** Bug reports: staff announcing the fix, which then becomes the solution. */
  fixed?: (s: Slots) => string
  /** Bugs draw "me too"s. */
  bug?: boolean
}

const lower = (value: string) => value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

const webhookCode = {
  node: code(
    'js',
    `
import crypto from 'node:crypto'
import express from 'express'

const app = express()

app.post('/hooks/relaybase', express.json(), (req, res) => {
  const signature = req.header('Relaybase-Signature')
  const expected = crypto
    .createHmac('sha256', process.env.RB_WEBHOOK_SECRET)
    .update(JSON.stringify(req.body))
    .digest('hex')
  if (signature !== expected) return res.status(401).send('bad signature')
  // ...
  res.sendStatus(204)
})`,
  ),
  python: code(
    'python',
    `
import hmac, hashlib, json, os
from flask import Flask, request, abort

app = Flask(__name__)

@app.post("/hooks/relaybase")
def relaybase_hook():
    signature = request.headers.get("Relaybase-Signature", "")
    body = json.dumps(request.get_json())
    expected = hmac.new(os.environ["RB_WEBHOOK_SECRET"].encode(), body.encode(), hashlib.sha256).hexdigest()
    if signature != expected:
        abort(401)
    return "", 204`,
  ),
}

const webhookFix = {
  node: code(
    'js',
    `
app.post('/hooks/relaybase', express.raw({ type: 'application/json' }), (req, res) => {
  const header = req.header('Relaybase-Signature') ?? ''
  const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=')))
  const expected = crypto
    .createHmac('sha256', process.env.RB_WEBHOOK_SECRET)
    .update(t + '.' + req.body.toString('utf8')) // the raw bytes, not re-serialised JSON
    .digest('hex')
  const ok = v1?.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(v1), Buffer.from(expected))
  if (!ok || Math.abs(Date.now() / 1000 - Number(t)) > 300) return res.sendStatus(401)
  const event = JSON.parse(req.body.toString('utf8'))
  // ...
  res.sendStatus(204)
})`,
  ),
  python: code(
    'python',
    `
import time  # alongside the other imports

@app.post("/hooks/relaybase")
def relaybase_hook():
    header = request.headers.get("Relaybase-Signature", "")
    parts = dict(item.split("=", 1) for item in header.split(","))
    raw = request.get_data()  # the exact bytes we signed, before any JSON parsing
    signed = parts.get("t", "").encode() + b"." + raw
    expected = hmac.new(os.environ["RB_WEBHOOK_SECRET"].encode(), signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(parts.get("v1", ""), expected):
        abort(401)
    if abs(time.time() - int(parts["t"])) > 300:
        abort(401)
    event = json.loads(raw)
    return "", 204`,
  ),
}

const backoffCode = {
  node: code(
    'ts',
    `
async function withRetry<T>(call: () => Promise<Response>): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await call()
    if (res.status !== 429 || attempt === 5) return res
    const retryAfter = Number(res.headers.get('Retry-After') ?? 1)
    const jitter = Math.random() * 250
    await new Promise((r) => setTimeout(r, retryAfter * 1000 * 2 ** attempt + jitter))
  }
}`,
  ),
  python: code(
    'python',
    `
import random, time
import requests

def with_retry(send, attempts=6):
    for attempt in range(attempts):
        res = send()
        if res.status_code != 429 or attempt == attempts - 1:
            return res
        retry_after = float(res.headers.get("Retry-After", "1"))
        time.sleep(retry_after * 2 ** attempt + random.random() / 4)`,
  ),
}

export const SCENARIOS: Scenario[] = [
  // --- Getting started ---------------------------------------------------
  {
    category: 'getting-started',
    tags: ['invitations', 'email', 'onboarding'],
    titles: [
      () => 'Invited teammates never receive the invitation email',
      (s) => `Invite emails to @${s.workspace}.example addresses never arrive`,
      () => 'Pending invitations: nobody got the email, not even in spam',
      (s) => `Invitation emails not arriving for ${s.seats > 12 ? 'most of' : 'some of'} our team`,
      () => 'Teammates say the invite link never came. Where do invitations go?',
    ],
    question: (s) => md`
      I invited ${s.seats % 6 + 3} colleagues to our workspace (\`${s.workspace}\`) yesterday from **Settings → Members → Invite**.
      The Members page lists them as *Pending*, but none of them got an email, not even in spam.

      We use Google Workspace for mail. I tried "Resend invite" twice. Is there a way to see whether the emails were sent at all, or to just give people a link?
    `,
    answer: () => md`
      Invitations are sent from \`no-reply@mail.relaybase.example\`. When *nobody* at one company gets them, it's nearly always the company's mail filter quarantining them before they reach the inbox (so they don't show up in spam either).

      1. Ask your Google Workspace admin to check **Admin console → Reporting → Email log search** for that sender. Quarantined messages show up there.
      2. Allowlist the sender domain \`mail.relaybase.example\` (Apps → Gmail → Spam, phishing and malware → Email allowlist).
      3. Resend from **Settings → Members**, or use **Copy invite link** in the ⋯ menu next to a pending invite and send the link yourself. The link is valid for 7 days.

      If your domain is verified (Settings → Domains), you can also turn on **domain capture**, so anyone who signs up with an \`@yourcompany\` address joins the workspace without an invite.
    `,
    followUps: [
      () => md`
        Same thing happened to us with Mimecast. The email log showed "held: bulk sender". Allowlisting the domain fixed it immediately, no need to resend.
      `,
      () => md`
        Tip: **Copy invite link** is also handy for contractors whose mail server is strict. Just remember the link is tied to the email address you invited.
      `,
    ],
  },
  {
    category: 'getting-started',
    tags: ['cli', 'login'],
    extraTag: (s) => (s.os.startsWith('Ubuntu') ? 'linux' : s.os.startsWith('mac') ? 'macos' : 'windows'),
    titles: [
      (s) => `rb login hangs at "Waiting for browser" on ${s.os}`,
      (s) => `rb CLI ${s.cliVersion} stuck on "Waiting for browser" over SSH`,
      () => 'How do I authenticate the CLI behind a corporate proxy?',
      (s) => `CLI ${s.cliVersion}: login never completes`,
      () => 'Cannot log in with the rb CLI on a remote server (no browser)',
    ],
    question: (s) => md`
      I installed the CLI with \`npm i -g @relaybase/cli\` (version ${s.cliVersion}) and ran \`rb login\`. It prints this and then nothing happens:

      ${code('text', `$ rb login\n› Opening https://app.relaybase.example/cli/auth?code=QWTR-8841 in your browser...\n› Waiting for browser (press Ctrl+C to cancel)`)}

      No browser window opens. I'm on ${s.os}${s.os.startsWith('Ubuntu') ? ' over SSH' : ', behind the corporate proxy'}. How do I authenticate?
    `,
    answer: (s) => md`
      \`rb login\` starts a local callback server and opens your default browser. Over SSH (or when a proxy blocks the localhost callback) that can't work, so use the **device flow** instead:

      ${code('bash', `rb login --device\n# › Go to https://app.relaybase.example/device and enter the code: HZKD-2931\n# › Logged in as ${s.asker.toLowerCase()}@… (workspace: ${s.workspace})`)}

      Open the URL on any machine, enter the code, and the CLI finishes on its own.

      If you are behind a proxy, the CLI honours the usual variables:

      ${code('bash', 'export HTTPS_PROXY=http://proxy.internal:3128\nexport NO_PROXY=localhost,127.0.0.1')}

      For CI, skip interactive login entirely and set \`RELAYBASE_TOKEN\` to an API token (Settings → API tokens).
    `,
    followUps: [
      () => md`
        +1 for \`--device\`. We also had to add \`127.0.0.1\` to \`NO_PROXY\`, otherwise the local callback went through Zscaler and timed out.
      `,
    ],
  },
  {
    category: 'getting-started',
    tags: ['automations', 'triggers'],
    extraTag: (s) => lower(s.integration),
    titles: [
      (s) => `My first automation never runs for records created from ${s.integration}`,
      (s) => `Automations ignore records synced from ${s.integration}`,
      (s) => `"When a record is created" trigger skips records from the ${s.integration} sync (${s.version})`,
      () => 'Automation "When a record is created" does not trigger on imported records',
      () => 'Automation works when I add a record by hand but not via the API',
    ],
    question: (s) => md`
      I set up an automation: **When a record is created in *Leads* → send a Slack message**. It works when I add a record by hand in the UI.

      But records that come in through the ${s.integration} sync (or the API) never trigger it. The automation's run history is simply empty for them. We're on ${s.version}.

      Am I missing a setting?
    `,
    answer: () => md`
      That's by design, so that a bulk import or a sync can't fire thousands of automations by accident: records created by **imports and connector syncs** skip automations unless you opt in.

      - For a connector: open the connection (**Integrations → your connector → Settings**) and turn on **Run automations for synced records**.
      - For the API: pass the header \`Relaybase-Trigger-Automations: true\` on the create call.
      - For CSV imports: tick **Run automations** on the last step of the import wizard.

      Records that were already created won't be replayed, but you can select them in a view and use **Run automation → Run on selection**.
    `,
    followUps: [
      () => md`
        Careful with turning it on for an initial sync: we did that and got ~4,000 Slack messages in an hour. Enable it *after* the first full sync finishes.
      `,
    ],
  },
  {
    category: 'getting-started',
    tags: ['workspaces', 'projects'],
    titles: [
      () => 'How do I move a project from my personal workspace to the team workspace?',
      () => 'Moving our trial project into the paid workspace',
      (s) => `Copy a project with its automations to workspace ${s.workspace}?`,
      () => 'Transfer a project between workspaces without losing history',
    ],
    question: (s) => md`
      I built a project in my personal workspace while evaluating ${PRODUCT}, and now that we bought the ${s.seats > 10 ? 'Business' : 'Startup'} plan I'd like to move it to our company workspace \`${s.workspace}\`.

      Is there a way to move it with its records, comments and automations, or do I have to export and re-import everything?
    `,
    answer: () => md`
      No need to export. Use **Project settings → Advanced → Transfer project**. You need to be an admin in *both* workspaces.

      What moves with it: records, comments, attachments, views, field history and automations.

      What doesn't: **connections** (Slack, Salesforce, ...) belong to the old workspace, so automations using them are paused after the move. Reconnect them in the new workspace and pick the new connection in each paused automation. API tokens scoped to the old workspace also stop working for this project.

      The transfer is a background job; for large projects (100k+ records) give it a few minutes.
    `,
  },
  {
    category: 'getting-started',
    tags: ['sandbox', 'environments'],
    titles: [
      () => 'Difference between sandbox and production workspaces?',
      () => 'What does "Create sandbox" copy, and does it use seats?',
      () => 'Testing schema changes safely before rolling them out',
      () => 'Should we test automations in a sandbox workspace first?',
    ],
    question: () => md`
      We're rolling ${PRODUCT} out to three departments and I'd like to test automations and schema changes before they hit real data.

      I see "Create sandbox" in the workspace menu. What exactly gets copied, do sandboxes count towards seats, and can we promote changes from sandbox to production?
    `,
    answer: () => md`
      A sandbox is a copy of your workspace's **structure**: projects, fields, views, automations and roles. Records are only copied if you pick *Structure + sample data* (up to 1,000 records per project).

      - Sandboxes don't use seats; anyone in the production workspace can be added.
      - Connections are **not** copied, on purpose, so a test automation can't post into your real Slack or Salesforce. Connect test accounts there.
      - To promote changes, use **Sandbox → Compare with production**. It lists the schema and automation differences and lets you apply them selectively. Records never flow back.

      Sandboxes are available on Business and Enterprise (Enterprise gets three).
    `,
    answerBy: 'staff',
  },
  {
    category: 'getting-started',
    tags: ['permissions', 'roles'],
    titles: [
      () => 'Give a contractor read-only access to a single project?',
      () => 'External agency should only see one project: which role?',
      () => 'Read-only guest for a single view, not the whole workspace',
      () => 'Guest access limited to one project: possible?',
    ],
    question: () => md`
      We have an external agency that needs to *see* the records in one project (Campaigns) but shouldn't see anything else, and definitely shouldn't edit.

      If I invite them as a member they can see every project. What's the right way to do this?
    `,
    answer: () => md`
      Invite them as a **Guest** rather than a Member (Settings → Members → Invite → Role: *Guest*). Guests see nothing by default; you then share individual projects with them:

      1. Open the project → **Share** → add the guest.
      2. Pick the permission **Can view** (or *Can comment* if they should leave notes).

      Guests don't count as paid seats on Business and Enterprise (up to 5 × your seat count). You can also restrict what a guest sees *inside* the project by sharing a single view instead of the whole project.
    `,
  },
  {
    category: 'getting-started',
    tags: ['custom-domain', 'portal', 'dns'],
    titles: [
      () => 'Custom domain for the customer portal shows SSL_ERROR_BAD_CERT_DOMAIN',
      (s) => `Custom portal domain stuck on "Verifying" for ${s.minutes} minutes`,
      (s) => `${s.browser}: certificate warning on our custom portal domain`,
      () => 'Portal on our own domain: certificate error after adding the CNAME',
    ],
    question: (s) => md`
      I set up \`portal.${s.workspace.split('-')[0]}.example\` as a custom domain for our customer portal and added the CNAME to \`portals.relaybase.example\`, as the docs say. DNS looks right:

      ${code('text', `$ dig +short portal.${s.workspace.split('-')[0]}.example\nportals.relaybase.example.\n203.0.113.40`)}

      But ${s.browser} shows \`SSL_ERROR_BAD_CERT_DOMAIN\` and the domain settings page still says *Verifying…* after ${s.minutes} minutes.
    `,
    answer: () => md`
      The certificate is issued (by Let's Encrypt) only *after* verification succeeds, so the error is expected until the status turns green. Two things usually hold it up:

      1. **A CAA record** on your apex domain that doesn't allow Let's Encrypt. Check with \`dig CAA yourcompany.example\`; if it lists only another CA, add \`0 issue "letsencrypt.org"\`.
      2. **A proxy in front** (Cloudflare's orange cloud). Set the record to *DNS only* until the certificate is issued; you can re-enable the proxy afterwards with SSL mode *Full (strict)*.

      Once those are fixed, press **Retry verification**. Issuance usually takes under five minutes.
    `,
    followUps: [
      () => md`
        It was the CAA record for us. Our security team had locked it to DigiCert years ago and nobody remembered.
      `,
    ],
  },
  // --- Billing -------------------------------------------------------------
  {
    category: 'billing',
    tags: ['invoices', 'vat', 'tax'],
    plans: ['startup', 'paid', 'enterprise'],
    titles: [
      () => 'How do I add our VAT number to invoices?',
      () => 'Company address and VAT ID on invoices',
      (s) => `Finance rejected our ${s.month} invoice: no VAT number`,
      (s) => `Our ${s.month} invoice is missing the VAT ID. Can it be reissued?`,
    ],
    question: (s) => md`
      Our finance team rejected the ${s.month} invoice because it doesn't show our VAT number and company address. Where do I add them, and can you reissue the invoices we already got?
    `,
    answer: () => md`
      Add them under **Settings → Billing → Company details** (legal name, address, VAT/GST ID). The VAT ID is validated against VIES for EU numbers; if it's valid and you're outside our home country, the reverse-charge note is added and no VAT is charged.

      The details apply to **future** invoices. For past ones, reply here or write to billing@relaybase.example with the invoice numbers and we'll reissue them. We can go back 12 months.
    `,
    answerBy: 'support',
    followUps: [
      () => md`
        FYI, the VIES check can fail for a few hours when a member state's service is down. Ours stayed "pending" for a day and then went through without us doing anything.
      `,
    ],
  },
  {
    category: 'billing',
    tags: ['seats', 'invoices'],
    plans: ['startup', 'paid', 'enterprise'],
    titles: [
      (s) => `Charged for ${s.seats} seats but we only have ${s.activeSeats} active members`,
      (s) => `Seat count on the ${s.month} invoice higher than our member list`,
      () => 'Do deactivated members and pending invites count as seats?',
      () => 'Why does our seat count not go down after removing people?',
    ],
    question: (s) => md`
      Our latest invoice bills **${s.seats} seats**, but Settings → Members shows ${s.activeSeats} active members. We offboarded a few people last month.

      How is the seat count calculated? I'd like to understand this before we renew.
    `,
    answer: () => md`
      Seats are counted as everyone who **could sign in** during the billing period, which includes:

      - **Deactivated** members: deactivating keeps their history but still holds a seat until the end of the period. *Remove* them to free it.
      - **Pending invitations**: an invite reserves a seat until it's accepted or revoked.
      - People added mid-period are charged pro rata, so the count on an invoice can be higher than today's number.

      Settings → Billing → **Seat report** lists exactly who was counted and for how many days. If a seat was counted in error, tell us and we'll credit it.
    `,
    answerBy: 'support',
  },
  {
    category: 'billing',
    tags: ['plans', 'downgrade', 'limits'],
    titles: [
      () => 'What happens to automations over the limit if we downgrade from Startup to Free?',
      () => 'Downgrading to Free with 14 automations: which ones stop?',
      (s) => `Over the record limit after a downgrade: is data deleted? (${s.rows} records)`,
      () => 'Downgrading: do we lose data above the Free plan limits?',
    ],
    question: () => md`
      Budget got cut and we might have to go back to the Free plan. We currently have 14 automations and about 30k records, both over the Free limits.

      Do we lose anything if we downgrade? Which automations get switched off?
    `,
    answer: () => md`
      Nothing is deleted. On a downgrade:

      - **Records** over the limit stay readable and editable, but you can't create new ones until you're under the limit.
      - **Automations**: the 5 most recently edited stay on; the rest are *paused* (not deleted) and resume when you upgrade again.
      - **Premium fields** (formulas with lookups, rollups) become read-only; their last computed values stay visible.
      - Version history is trimmed to 7 days going forward.

      You can preview the effect before confirming: Settings → Billing → Change plan shows a list of what will be paused.
    `,
    answerBy: 'staff',
  },
  {
    category: 'billing',
    tags: ['payments', 'cards'],
    titles: [
      () => 'Card declined with "authentication_required" when upgrading',
      () => 'No 3-D Secure popup when paying, card declined',
      (s) => `Payment fails in ${s.browser} with authentication_required`,
      (s) => `Upgrade to ${s.seats > 15 ? 'Business' : 'Startup'} fails: "Your card was declined"`,
    ],
    question: (s) => md`
      Trying to upgrade our workspace and the payment fails with:

      ${code('text', `Your card was declined (authentication_required). Request ID: ${s.requestId}`)}

      It's a company Visa that works everywhere else. No 3-D Secure popup ever appeared. Using ${s.browser}.
    `,
    answer: () => md`
      \`authentication_required\` means your bank wants a 3-D Secure confirmation, but the challenge window never got to load. Usually it's blocked:

      1. Disable ad/privacy blockers for \`app.relaybase.example\` and \`js.stripe.com\`, or try a private window.
      2. Some banks require the card to be enabled for online/recurring payments in their app first.
      3. Then retry. You should see your bank's confirmation screen.

      If you'd rather not pay by card, annual plans can be paid by invoice and bank transfer: Settings → Billing → **Pay by invoice**.
    `,
  },
  {
    category: 'billing',
    tags: ['plans', 'annual', 'proration'],
    plans: ['startup', 'paid', 'enterprise'],
    titles: [
      () => 'Switching from monthly to annual mid-cycle: do we get credit?',
      () => 'Do we lose the paid month when switching to annual?',
      () => 'How does proration work when moving to annual billing?',
    ],
    question: (s) => md`
      We're ${s.minutes % 20 + 5} days into our monthly cycle and want to switch to annual billing for the discount. Do we lose the rest of the month we've already paid for?
    `,
    answer: () => md`
      No, the unused part of the current month is credited against the annual charge. When you switch (Settings → Billing → Billing period → *Annual*):

      1. The remaining days of this month are credited pro rata.
      2. The annual price (two months free compared to monthly) is charged from today.
      3. Your renewal date moves to one year from today.

      The confirmation screen shows the exact credit and the amount due before you confirm.
    `,
    answerBy: 'support',
  },
  {
    category: 'billing',
    tags: ['api', 'usage', 'invoices'],
    plans: ['paid', 'enterprise'],
    titles: [
      (s) => `API usage overage on our ${s.month} invoice: how is it calculated?`,
      (s) => `Where did 1.8M extra API requests in ${s.month} come from?`,
      () => 'How to find which token generates most API calls',
      () => 'Unexpected "API requests over plan" line item',
    ],
    question: (s) => md`
      Our ${s.month} invoice has a line **API requests over plan: 1.8M × $0.40 per 10k**. We didn't knowingly change anything. How do we find out what generated the calls?
    `,
    answer: () => md`
      **Settings → Usage → API** breaks requests down by token, endpoint and day. The usual culprits:

      - a sync job polling \`GET /v2/records\` every minute instead of using webhooks;
      - a retry loop without backoff hammering the API during an outage;
      - an integration (Zapier, Make) with a very short polling interval.

      Requests answered with \`429\` are not billed. If you find a runaway script, let us know: we waive one-off overages caused by a bug once per year.
    `,
    answerBy: 'support',
  },
  // --- Integrations & API ------------------------------------------------
  {
    category: 'integrations',
    tags: ['webhooks', 'api', 'security'],
    extraTag: (s) => (s.lang === 'node' ? 'nodejs' : 'python'),
    titles: [
      (s) => `Webhook signature verification fails in ${s.lang === 'node' ? 'Node.js' : 'Python'} even with the right secret`,
      (s) => `HMAC of webhook body never matches (${s.lang === 'node' ? 'Express' : 'Flask'})`,
      (s) => `Webhook signatures invalid since SDK ${s.sdkVersion}?`,
      () => 'Relaybase-Signature never matches my HMAC',
      () => 'Every webhook rejected as "bad signature" after moving to a new endpoint',
    ],
    question: (s) => md`
      I'm verifying webhook signatures as described in the docs, but the signature never matches. I double-checked the secret (copied it again from **Settings → Webhooks**).

      ${webhookCode[s.lang]}

      The header looks like \`t=1718201934,v1=5f0c…\`. What am I doing wrong?
    `,
    answer: (s) => md`
      Two problems in that snippet:

      1. You're hashing **re-serialised JSON**. Parsing and re-serialising changes whitespace and key order, so the bytes differ from what Relaybase signed. You have to hash the *raw* request body.
      2. The header isn't the bare signature. It's \`t=<timestamp>,v1=<hex>\`, and the signed payload is \`<timestamp>.<raw body>\`.

      ${webhookFix[s.lang]}

      Compare in constant time, and reject timestamps older than five minutes to stop replays.
    `,
    followUps: [
      () => md`
        If you're behind an API gateway, check that it doesn't re-encode the body. AWS API Gateway with a mapping template did that to us; passthrough fixed it.
      `,
      () => md`
        Also worth knowing: during secret rotation both the old and new secrets sign the event, so the header has two \`v1=\` entries. Check against each.
      `,
    ],
  },
  {
    category: 'integrations',
    tags: ['api', 'rate-limits'],
    extraTag: (s) => (s.lang === 'node' ? 'nodejs' : 'python'),
    titles: [
      () => 'Getting 429 Too Many Requests from /v2/records even though we are under the limit',
      (s) => `429s during our nightly sync (${s.lang === 'node' ? 'Node SDK' : 'Python'}, 8 workers)`,
      (s) => `rate_limited errors in ${s.region} at ~40 requests per second`,
      () => 'Rate limits: what counts against the 100 requests per second?',
    ],
    question: (s) => md`
      Our nightly sync gets throttled:

      ${code('text', `HTTP/1.1 429 Too Many Requests\nRetry-After: 2\nX-RateLimit-Limit: 100\nX-RateLimit-Remaining: 0\n{"error":{"code":"rate_limited","message":"Too many requests","request_id":"${s.requestId}"}}`)}

      We average maybe 40 requests per second, well under 100. We use ${s.lang === 'node' ? 'the Node SDK' : 'plain `requests` in Python'} with 8 workers. What's actually being counted?
    `,
    answer: (s) => md`
      The limit is 100 requests/second **per workspace**, measured over a 1-second window, with a burst allowance of 20. Averages don't matter: eight workers starting at the same moment easily send 150 requests in one second.

      - Honour \`Retry-After\` and back off exponentially with jitter:

      ${backoffCode[s.lang]}

      - For writes, use the bulk endpoint \`POST /v2/records:batch\` (up to 500 records per call, counts as one request).
      - Spread the workers' start times, or cap concurrency to ~4.
    `,
    followUps: [
      () => md`
        Switching to \`:batch\` cut our sync from 40 minutes to 6 and we haven't seen a 429 since.
      `,
    ],
  },
  {
    category: 'integrations',
    tags: ['connectors', 'oauth'],
    extraTag: (s) => lower(s.integration),
    titles: [
      (s) => `${s.integration} integration disconnects every few days`,
      (s) => `invalid_grant from the ${s.integration} connector after a few days`,
      (s) => `Automations fail with connector_auth_failed (${s.integration})`,
      (s) => `${s.integration} connection keeps showing "Reconnect required"`,
    ],
    question: (s) => md`
      Our ${s.integration} connection stops working every 3 to 5 days. The Integrations page then shows **Reconnect required**, and automations that use it fail with:

      ${code('text', `[${s.day} 09:14:03] automation=notify-sales step=2 error=connector_auth_failed provider=${lower(s.integration)} detail="invalid_grant: token has been expired or revoked"`)}

      Reconnecting fixes it for a few days. Any idea why it keeps expiring?
    `,
    answer: (s) => md`
      \`invalid_grant\` means ${s.integration} revoked the refresh token. The common causes, in order of likelihood:

      1. **The connection was made with a personal account** that later changed password, lost a licence or was deactivated. Reconnect with a dedicated integration/service user.
      2. **Someone else connected the same app** to a *second* workspace with the same account. ${s.integration} only keeps a limited number of active tokens per user and app, so the oldest one gets revoked.
      3. **A session policy** in ${s.integration} (admin setting) that limits token lifetime for third-party apps.

      Settings → Integrations → ${s.integration} → **Activity** shows which user authorised the connection and when the token was last refreshed.
    `,
    followUps: [
      (s) => md`
        It was #2 for us: a colleague had connected ${s.integration} to our sandbox workspace with the same admin user. Separate users for sandbox and production fixed it.
      `,
    ],
  },
  {
    category: 'integrations',
    tags: ['api', 'pagination'],
    titles: [
      () => 'API pagination returns duplicate records when using offset',
      () => 'limit/offset export skips some records and repeats others',
      (s) => `Export of ${s.rows} records via the API has duplicates`,
      () => 'Records missing or duplicated when paging through /v2/records',
    ],
    question: () => md`
      I'm paging through all records with \`limit\` and \`offset\`:

      ${code('bash', 'curl -H "Authorization: Bearer $RB_TOKEN" \\\n  "https://api.relaybase.example/v2/records?project=leads&limit=100&offset=200"')}

      While the export runs, other people are editing records, and at the end some IDs appear twice and others are missing. Is offset pagination broken?
    `,
    answer: () => md`
      Offset pagination can't be stable while the data changes: a record inserted or re-sorted before your current page shifts everything after it. Use **cursor pagination** instead:

      ${code('bash', 'curl -H "Authorization: Bearer $RB_TOKEN" \\\n  "https://api.relaybase.example/v2/records?project=leads&limit=100&sort=id"\n# the response has "next_cursor": "eyJpZCI6MTIzNH0"; pass it back:\ncurl ... "https://api.relaybase.example/v2/records?project=leads&limit=100&cursor=eyJpZCI6MTIzNH0"')}

      With \`sort=id\` the cursor is a keyset on the record ID, so every record is returned exactly once, even with concurrent edits. \`offset\` is deprecated and will be removed in API v3.
    `,
  },
  {
    category: 'integrations',
    tags: ['oauth', 'api'],
    titles: [
      () => 'invalid_grant when refreshing an OAuth token for our public app',
      () => '"refresh token already used" with several workers',
      (s) => `OAuth app: users must reconnect after invalid_grant (SDK ${s.sdkVersion})`,
      () => 'OAuth refresh fails randomly with invalid_grant',
    ],
    question: (s) => md`
      We built a public OAuth app on ${PRODUCT}. A few times a day, refreshing a user's token fails:

      ${code('json', `{\n  "error": "invalid_grant",\n  "error_description": "refresh token already used",\n  "request_id": "${s.requestId}"\n}`)}

      Then that user has to reconnect. We run several worker processes that all call the API.
    `,
    answer: () => md`
      Refresh tokens are **single-use** (rotation): each refresh returns a new refresh token and invalidates the old one. With several workers, two of them refresh the same token at nearly the same time; the second one gets \`refresh token already used\`.

      Make refreshing a critical section per user:

      - keep the tokens in your database and take a row lock (\`SELECT … FOR UPDATE\`) or a distributed lock while refreshing;
      - after acquiring the lock, re-read the token: another worker may already have refreshed it;
      - store the **new** refresh token in the same transaction.

      There's a 30-second grace window in which a reused token returns the same new token, but don't rely on it for slow workers.
    `,
  },
  {
    category: 'integrations',
    tags: ['sdk', 'nodejs', 'api'],
    titles: [
      (s) => `@relaybase/sdk ${s.sdkVersion}: "TypeError: fetch is not a function"`,
      (s) => `Upgrading the Node SDK to ${s.sdkVersion} breaks on AWS Lambda`,
      () => 'Node SDK 4.x: fetch is not a function on Node 16',
      (s) => `SDK ${s.sdkVersion} crashes on startup in our Lambda`,
    ],
    question: (s) => md`
      After bumping \`@relaybase/sdk\` to ${s.sdkVersion}, our service crashes on the first call:

      ${code('text', `TypeError: fetch is not a function\n    at RelaybaseClient.request (/var/task/node_modules/@relaybase/sdk/dist/client.js:118:22)\n    at RecordsApi.list (/var/task/node_modules/@relaybase/sdk/dist/records.js:41:17)\n    at syncLeads (/var/task/src/sync.js:12:38)`)}

      It worked on the previous version. We deploy to AWS Lambda.
    `,
    answer: () => md`
      Since 4.0 the SDK uses the platform's built-in \`fetch\`, which exists from **Node.js 18**. The stack trace suggests your Lambda still runs on the Node 16 runtime.

      - Best fix: switch the function's runtime to \`nodejs20.x\` (Node 16 is end-of-life anyway).
      - If you can't yet, pass a fetch implementation:

      ${code('js', "import fetch from 'node-fetch'\nimport { Relaybase } from '@relaybase/sdk'\n\nconst client = new Relaybase({ token: process.env.RB_TOKEN, fetch })")}

      Or pin \`@relaybase/sdk@^3\`, which still gets security fixes until the end of the year.
    `,
    answerBy: 'anyone',
  },
  {
    category: 'integrations',
    tags: ['zapier', 'webhooks'],
    titles: [
      () => 'Zapier trigger "New record" fires twice for every record',
      () => 'Every record creates two HubSpot deals through Zapier',
      () => 'Duplicate Zap runs for each new record',
    ],
    question: () => md`
      Our Zap "New record in Relaybase → create a HubSpot deal" creates two deals for every record. Zap history shows two runs a few seconds apart, with identical data.
    `,
    answer: () => md`
      Two typical causes:

      1. **Two Zaps (or a copied Zap) subscribed to the same project.** Each Zap registers its own webhook. Check **Settings → Webhooks**: you'll see one subscription per Zap with a \`hooks.zapier.com\` URL. Delete the stale one.
      2. **A slow Zap step triggers a retry.** Relaybase considers a delivery failed if there's no 2xx within 10 seconds and retries it. Each event carries an \`id\`; add a *Filter by Zapier* or *Storage* step to skip IDs you've seen.

      Case 1 is by far the most common, especially after someone duplicates a Zap to test a change.
    `,
    followUps: [
      () => md`
        Confirming #1. We had three subscriptions, two from Zaps that had been turned off but never deleted.
      `,
    ],
  },
  {
    category: 'integrations',
    tags: ['api', 'filters'],
    titles: [
      () => 'How do I filter records by a date field in the API?',
      () => 'filter=due_date>... returns 400 Bad Request',
      () => 'Incremental sync: only records changed since the last run',
      () => 'API: filter records updated in the last 24 hours',
    ],
    question: () => md`
      I need all records in *Orders* whose \`due_date\` is in the next 7 days, plus everything updated since my last sync. The API reference mentions a \`filter\` parameter but I can't get the date syntax right. \`filter=due_date>2024-06-01\` returns a 400.
    `,
    answer: () => md`
      \`filter\` takes a small expression language; comparison operators are words and dates are ISO 8601 in quotes:

      ${code('bash', 'curl -G "https://api.relaybase.example/v2/records" \\\n  -H "Authorization: Bearer $RB_TOKEN" \\\n  --data-urlencode "project=orders" \\\n  --data-urlencode "filter=due_date gte \'today\' and due_date lt \'today+7d\'"')}

      For incremental syncs use the dedicated parameter, which is indexed and much faster than a filter on \`updated_at\`:

      ${code('bash', '--data-urlencode "updated_since=2024-06-01T08:00:00Z"')}

      Remember to URL-encode the expression; \`>\` in a raw query string is what gave you the 400.
    `,
  },
  {
    category: 'integrations',
    tags: ['webhooks', 'timeouts'],
    titles: [
      () => 'Webhooks marked failed with "timeout after 10s" but our endpoint returns 200',
      (s) => `Webhook subscription disabled after failures since ${s.day}`,
      () => 'Same webhook event delivered three or four times',
      () => 'Webhook deliveries time out although our logs show success',
    ],
    question: (s) => md`
      The webhook delivery log shows most deliveries as failed:

      ${code('text', `${s.day} 14:02:11 delivery=whd_81KQ status=failed attempt=3 error="timeout after 10s"`)}

      But our server logs show each request handled with a 200. It just takes 15 to 20 seconds because we update our ERP synchronously.
    `,
    answer: () => md`
      That's the issue: Relaybase waits **10 seconds** for a response, then gives up and retries later, even if your handler eventually returns 200. Your ERP update then runs several times per event.

      Acknowledge first, work later:

      1. Validate the signature and store the event (a queue, a table, Redis).
      2. Return \`202 Accepted\` immediately.
      3. Process it in a background worker, deduplicating by the event \`id\` (delivery is at least once).

      After 8 failed attempts over ~24 hours the subscription is disabled, so it's worth fixing soon.
    `,
    followUps: [
      () => md`
        We moved our handler to push onto SQS and return right away. Deliveries went from 60% failed to zero.
      `,
    ],
  },
  // --- Data import/export -----------------------------------------------------
  {
    category: 'data',
    tags: ['csv', 'import', 'encoding'],
    titles: [
      () => 'CSV import turns accented characters into Ã© and Ã¼',
      () => 'Encoding problem when importing an Excel CSV',
      (s) => `Garbled names after importing a ${s.mb} MB customer list`,
      () => 'Umlauts broken after importing a CSV from Excel',
    ],
    question: () => md`
      Importing our customer list from a CSV exported from Excel. Names like *José* and *Müller* come out as \`JosÃ©\` and \`MÃ¼ller\`. I checked the file in a text editor and it looks fine there.
    `,
    answer: () => md`
      The file is almost certainly not UTF-8. Excel's plain **CSV (Comma delimited)** saves in your system's legacy code page (Windows-1252 on most Western setups).

      - In Excel use **File → Save As → CSV UTF-8 (Comma delimited)**, then import again, or
      - on the importer's first step open **Advanced** and set *File encoding* to \`Windows-1252\`.

      To check a file's encoding: \`file -I customers.csv\` on macOS/Linux. \`charset=unknown-8bit\` or \`iso-8859-1\` means it's not UTF-8.
    `,
    followUps: [
      () => md`
        Google Sheets always exports UTF-8, so if you can't change Excel settings, a round trip through Sheets works too.
      `,
    ],
  },
  {
    category: 'data',
    tags: ['csv', 'import', 'limits'],
    titles: [
      (s) => `Import fails with ${s.code} "row limit exceeded" on a ${s.rows}-row file`,
      (s) => `Importing ${s.rows} rows: do I have to split the file?`,
      (s) => `Large CSV import (${s.mb} MB) rejected at validation`,
      (s) => `CSV import stops at 50,000 rows (error ${s.code})`,
    ],
    question: (s) => md`
      Trying to import a ${s.mb} MB CSV with ${s.rows} rows into *Shipments*. The importer stops at the validation step with:

      ${code('text', `Import failed: ${s.code} row_limit_exceeded (max 50000 rows per file). Request ID: ${s.requestId}`)}

      Do I really have to split the file? We have several of these every month.
    `,
    answer: (s) => md`
      The web importer handles up to 50,000 rows per file. For bigger files use the CLI, which streams the file in batches and resumes after interruptions:

      ${code('bash', `rb import shipments ./shipments.csv \\\n  --workspace ${s.workspace} \\\n  --key tracking_number \\\n  --batch-size 500`)}

      \`--key\` makes it an upsert on that column, so re-running it after a failure doesn't create duplicates. The CLI has no row limit (we've seen 20M-row imports), and it counts as bulk API calls, not per-record calls.
    `,
    answerBy: 'staff',
  },
  {
    category: 'data',
    tags: ['import', 'dates', 'timezones'],
    titles: [
      () => 'Imported dates are off by one day',
      () => '03/04/2024 imported as 4 March instead of 3 April',
      (s) => `Date column shifted after import (workspace timezone, ${s.version})`,
      () => 'All dates shift one day earlier after CSV import',
    ],
    question: () => md`
      Our CSV has dates like \`03/04/2024\`, meant as 3 April. After import, some records show *2 April*, and others got swapped to *4 March*. Our workspace timezone is Europe/Berlin.
    `,
    answer: () => md`
      Two different things are going on:

      1. **Day/month order**: \`03/04/2024\` is ambiguous. The importer guesses from the first rows unless you set **Date format** on the mapping step (pick \`DD/MM/YYYY\`).
      2. **The off-by-one**: the column is mapped to a *Date & time* field, so \`2024-04-03\` is read as midnight UTC, which is still the 2nd in some views. Map it to a plain **Date** field (no time), or include the offset: \`2024-04-03T00:00:00+02:00\`.

      Safest is ISO 8601 (\`2024-04-03\`) in the file; then no guessing is involved.
    `,
  },
  {
    category: 'data',
    tags: ['export', 'warehouse'],
    extraTag: (s) => lower(s.warehouse),
    titles: [
      (s) => `Scheduled export to ${s.warehouse} stopped after we rotated credentials`,
      (s) => `Nightly ${s.warehouse} export failing since ${s.day}`,
      (s) => `"permission denied for schema relaybase_export" in ${s.warehouse}`,
      (s) => `${s.warehouse} destination failing: "permission denied"`,
    ],
    question: (s) => md`
      Our nightly export to ${s.warehouse} has been failing since ${s.day}. We rotated the service account credentials that day as part of our quarterly rotation. The destination page shows:

      ${code('text', `sync_id=exp_77QZ destination=${lower(s.warehouse)} status=failed error="permission denied for schema relaybase_export"`)}
    `,
    answer: (s) => md`
      Destinations store their own copy of the credentials, so after a rotation you have to update them on our side too: **Data → Destinations → ${s.warehouse} → Edit credentials**, then **Test connection**.

      "permission denied for schema" also suggests the new account lacks grants the old one had. The export needs to create and replace tables in its schema:

      ${code('sql', "GRANT USAGE, CREATE ON SCHEMA relaybase_export TO relaybase_loader;\nGRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA relaybase_export TO relaybase_loader;")}

      Once the test passes, press **Backfill missed runs**; exports are incremental, so nothing is lost.
    `,
    answerBy: 'support',
  },
  {
    category: 'data',
    tags: ['export', 'backup', 'attachments'],
    titles: [
      () => 'How can we export everything (records, attachments, comments)?',
      () => 'Quarterly compliance backup of the whole workspace',
      () => 'Export comments and change history, not just fields',
      () => 'Full workspace backup including attachments',
    ],
    question: () => md`
      Our compliance team wants a full backup of our workspace every quarter: records, comments, attachments and the change history. CSV export per view only gives us the fields. What's the recommended way?
    `,
    answer: () => md`
      Use **Settings → Data → Export workspace**. It produces a ZIP with:

      - one JSON Lines file per project (all fields, including hidden ones),
      - \`comments.jsonl\` and \`history.jsonl\`,
      - an \`attachments/\` folder (optional, can be large),
      - \`schema.json\` describing projects, fields and automations.

      The export link is emailed to the requester and valid for 7 days. To automate it quarterly, call \`POST /v2/exports\` from a scheduled job and download the result when the \`export.completed\` webhook fires.
    `,
    answerBy: 'staff',
  },
  {
    category: 'data',
    tags: ['import', 'duplicates', 'csv'],
    titles: [
      () => 'Re-importing a CSV creates duplicates instead of updating',
      (s) => `Weekly price list import (${s.rows} products) doubles every record`,
      () => 'Upsert on import: match rows by SKU',
      () => 'How do I update existing records from a CSV?',
    ],
    question: (s) => md`
      Every week we get a spreadsheet from our supplier with ~${s.rows} products and updated prices. When I import it, I get a second copy of every product instead of updated prices. How do I make the import update existing rows?
    `,
    answer: () => md`
      On the mapping step, choose **Import mode → Update existing records (upsert)** and select a **match key**, a column that uniquely identifies a product (SKU, for example).

      - Rows whose key matches an existing record update it; the rest are created.
      - Only mapped columns are written; unmapped fields keep their values.
      - The key field must be marked **Unique** in the field settings, otherwise it doesn't appear in the list.

      To clean up the duplicates you already have, use the project's **Find duplicates** tool with the same key.
    `,
    followUps: [
      () => md`
        If your SKUs have leading zeros, make sure the field is a text field. If it's a number field, \`00123\` and \`123\` are the same key and you'll get weird matches.
      `,
    ],
  },
  // --- Performance ---------------------------------------------------------
  {
    category: 'performance',
    tags: ['dashboards', 'performance'],
    titles: [
      (s) => `Dashboard with ${s.widgets} widgets takes 20+ seconds to load`,
      (s) => `"Some widgets could not load" on our ops dashboard (${s.region})`,
      (s) => `Dashboard over ${s.rows} records is painfully slow`,
      () => 'Dashboards got very slow as our data grew',
    ],
    question: (s) => md`
      Our operations dashboard has ${s.widgets} widgets over a project with about ${s.rows} records. It used to load in 2 to 3 seconds; now it regularly takes 20+, sometimes with *"Some widgets could not load"*. Using ${s.browser}, workspace region ${s.region}.
    `,
    answer: (s) => md`
      Each widget runs its own query, and a few patterns make them slow on large projects:

      1. **Widgets over "All records"** with no date filter. Add a relative date filter (e.g. *last 90 days*); most dashboards don't need all history.
      2. **Rollups of rollups**: a widget aggregating a rollup field computes it for every linked record. Pre-aggregate with a formula field or a scheduled automation.
      3. **Archived records** still count unless you exclude them.

      Since ${s.version} there's **Dashboard → ⋯ → Performance**, which shows each widget's query time. Start with the slowest two. You can also enable *cached mode* (refresh every 5 or 15 minutes) for wall displays.
    `,
    followUps: [
      () => md`
        The performance panel is great. One pie chart over an unfiltered rollup took 14 s by itself, the other 11 widgets under a second combined.
      `,
    ],
  },
  {
    category: 'performance',
    tags: ['api', 'latency', 'performance'],
    extraTag: (s) => s.region,
    titles: [
      (s) => `p95 latency for GET /v2/records jumped to 2s in ${s.region}`,
      (s) => `GET /v2/records with expand=comments takes over 2 seconds (${s.region})`,
      (s) => `API latency regression since ${s.day}?`,
      () => 'API responses much slower since last week',
    ],
    question: (s) => md`
      Our monitoring shows p95 latency for \`GET /v2/records\` going from ~250 ms to ~2 s since ${s.day}. Nothing changed on our side. Example:

      ${code('text', `GET /v2/records?project=tickets&limit=100&expand=assignee,organisation,comments\n  status=200 duration=2140ms x-request-id=${s.requestId} region=${s.region}`)}
    `,
    answer: () => md`
      Look at \`expand=comments\`: it loads every comment of every record on the page, so the response time grows with your comment history, not with the page size. Recent growth in comments explains a gradual jump like this.

      - Drop \`comments\` from \`expand\` and fetch them only for the records that need them (\`GET /v2/records/{id}/comments\`).
      - Use \`fields=\` to return only the fields you use; wide records with long text fields are expensive to serialise.

      With \`fields\` and without \`expand=comments\`, that call should be back under 300 ms. If it isn't, post a request ID and we'll look at the traces.
    `,
    answerBy: 'engineer',
    clarify: {
      ask: () => md`
        Thanks for the numbers. Could you share the full query string of a slow request (with \`expand\` and \`fields\`), and roughly how many comments these records have? A couple of request IDs would help us find the traces.
      `,
      details: (s) => md`
        Sure. Full call below; records have between 5 and 200 comments, the big ones are long-running tickets.

        ${code('text', `GET /v2/records?project=tickets&limit=100&expand=assignee,organisation,comments\nx-request-id: ${s.requestId}`)}
      `,
    },
  },
  {
    category: 'performance',
    tags: ['search', 'performance'],
    titles: [
      (s) => `Search is slow on projects with more than ${s.rows} records`,
      () => '"Search timed out, showing partial results" in our biggest project',
      (s) => `Cmd+K search takes 4 to 8 seconds (${s.version})`,
      () => 'Global search takes several seconds and sometimes times out',
    ],
    question: (s) => md`
      Global search (⌘K) takes 4 to 8 seconds in our biggest project (${s.rows} records, ~60 fields). Sometimes it shows *"Search timed out, showing partial results"*. Smaller projects are instant.
    `,
    answer: () => md`
      Search indexes every text field by default, including long ones like notes and email bodies, which makes the index (and each query) heavy on wide projects.

      Go to **Project settings → Fields** and switch **Searchable** off for fields you never search by (IDs of external systems, long descriptions, JSON blobs). The index is rebuilt in the background; on a project this size it takes roughly 10 to 20 minutes.

      Also prefer **field filters** in views over search for exact lookups, e.g. \`Order ID is 48213\`; filters use the field indexes.
    `,
  },
  {
    category: 'performance',
    tags: ['board-view', 'browser', 'performance'],
    titles: [
      (s) => `Board view freezes ${s.browser} with 5,000 cards`,
      (s) => `Dragging a card on the board freezes the tab (${s.os})`,
      () => 'Kanban board unusable on large projects',
    ],
    question: (s) => md`
      The board view of our *Support tickets* project freezes the tab for several seconds whenever I drag a card. ${s.browser} on ${s.os}. The project has about 5,000 open records across 6 columns. Table view is fine.
    `,
    answer: (s) => md`
      Boards render every card in a column by default, which gets heavy beyond ~1,000 cards. Two things help:

      1. Update to ${s.nextVersion} or later: it virtualises columns (only visible cards are rendered). Hard-refresh after the update.
      2. Add a filter so the board shows what people act on (e.g. *assigned to me* or *updated in the last 30 days*), and set **Card limit per column** under board settings.

      Collapsing rarely used fields on the card (View settings → Card fields) also reduces render time noticeably.
    `,
    answerBy: 'staff',
  },
  {
    category: 'performance',
    tags: ['automations', 'delays'],
    titles: [
      () => 'Automations run with a 10 to 15 minute delay',
      (s) => `Automation runs start ${s.minutes % 15 + 10} minutes after the trigger`,
      () => 'Is there an incident? Automations are very slow today',
      (s) => `Automation delays since ${s.day}`,
    ],
    question: (s) => md`
      Automations that used to run within seconds now take 10 to 15 minutes. Run history:

      ${code('text', `trigger_at=${s.day} 10:02:11 started_at=${s.day} 10:14:47 automation="Assign new ticket" status=succeeded\ntrigger_at=${s.day} 10:05:40 started_at=${s.day} 10:18:02 automation="Notify on-call" status=succeeded`)}

      Is there an incident? The status page is green.
    `,
    answer: () => md`
      Looking at your workspace, the delay comes from your own automation queue: one automation (*Recalculate order totals*) runs on **every record update** and updates a record itself, so it triggers itself again. Thousands of runs queue up in front of everything else.

      Fixes:

      - add a condition so it only runs when the relevant fields change (*When fields change → Quantity, Unit price*);
      - or turn on **Don't trigger automations** in its *Update record* step.

      Each workspace has its own queue, which is why the status page stays green. You can see the queue depth under **Automations → Activity**.
    `,
    answerBy: 'support',
  },
  // --- Security & SSO --------------------------------------------------------
  {
    category: 'security',
    tags: ['sso', 'saml'],
    extraTag: (s) => lower(s.idp),
    plans: ['paid', 'enterprise'],
    titles: [
      (s) => `SAML SSO with ${s.idp}: "Invalid audience" error`,
      (s) => `Setting up SAML with ${s.idp}: which Entity ID and ACS URL?`,
      (s) => `"Invalid audience" after ${s.idp} login (workspace ${s.workspace})`,
      (s) => `${s.idp} SSO login fails after redirect back to Relaybase`,
    ],
    question: (s) => md`
      Setting up SAML with ${s.idp}. After signing in at the IdP we land back on ${PRODUCT} with:

      ${code('text', `SSO error: Invalid audience. Expected "https://app.relaybase.example/saml/${s.workspace}", got "relaybase". (ref ${s.requestId})`)}

      I entered the values from the SSO settings page as far as I can tell.
    `,
    answer: (s) => md`
      The error says it: ${s.idp} sends the audience \`relaybase\`, but each workspace has its own entity ID. In ${s.idp}'s app settings set:

      - **Audience URI / Entity ID**: \`https://app.relaybase.example/saml/${s.workspace}\`
      - **ACS (reply) URL**: \`https://app.relaybase.example/saml/${s.workspace}/acs\`
      - **Name ID format**: EmailAddress

      The simplest route is **Download SP metadata** on the SSO settings page in ${PRODUCT} and upload that XML in ${s.idp}; it fills these fields for you. Keep a non-SSO admin signed in in another window while testing, so you can't lock yourselves out.
    `,
    followUps: [
      () => md`
        Also check the certificate: if you rotate the IdP signing certificate you have to upload the new one on the ${PRODUCT} side too, otherwise you get "Invalid signature" instead.
      `,
    ],
  },
  {
    category: 'security',
    tags: ['scim', 'provisioning'],
    extraTag: (s) => lower(s.idp),
    plans: ['enterprise'],
    titles: [
      (s) => `SCIM: users removed in ${s.idp} stay active in Relaybase`,
      (s) => `${s.idp} SCIM never sends active=false for leavers`,
      () => 'Offboarded people still hold seats despite SCIM',
      () => 'Deprovisioning via SCIM does not deactivate users',
    ],
    question: (s) => md`
      We set up SCIM provisioning from ${s.idp}. New users appear fine, but when someone leaves and is removed from the app in ${s.idp}, they stay **Active** in ${PRODUCT} and keep their seat.
    `,
    answer: (s) => md`
      In ${s.idp}, *unassigning* a user from the app and *deactivating* them are different SCIM operations, and it depends on the provisioning settings which one is sent:

      - Make sure **Deactivate users** (sometimes "Update user attributes" + "Deactivate") is enabled under the app's provisioning *To App* settings. Without it, the IdP simply stops syncing the user and never sends \`active: false\`.
      - If you assign via groups, removing someone from the group only deprovisions them if the group is the only assignment.

      Our side logs every SCIM request: **Settings → Security → SCIM → Request log**. If you see no \`PATCH /Users/… {"active": false}\` when someone leaves, the IdP isn't sending it.
    `,
    answerBy: 'staff',
  },
  {
    category: 'security',
    tags: ['2fa', 'account-recovery'],
    titles: [
      () => 'Lost my phone and I am locked out by two-factor authentication',
      () => 'Locked out: no recovery codes and no authenticator',
      () => 'How can an admin reset a member\'s 2FA?',
      () => 'New phone, old authenticator gone: how do I get back in?',
    ],
    question: () => md`
      My phone was stolen and my authenticator app was on it. I don't think I saved the recovery codes. I'm a regular member of our company workspace. How do I get back in?
    `,
    answer: () => md`
      In order of speed:

      1. **Recovery codes**: if you find them (password manager, downloaded \`relaybase-recovery-codes.txt\`), use *Use a recovery code* on the 2FA screen.
      2. **A workspace admin can reset your 2FA**: Settings → Members → you → **Reset two-factor**. You'll set it up again at the next sign-in. This is the usual route for company workspaces.
      3. If you're the only admin, contact support from your account's email address; we verify ownership before resetting, which takes 1 to 2 business days.

      Once you're back in, add a second factor (a security key or a second device) so this can't happen again.
    `,
    answerBy: 'support',
  },
  {
    category: 'security',
    tags: ['ip-allowlist', 'api'],
    plans: ['enterprise'],
    titles: [
      () => 'Does the IP allowlist apply to API tokens too?',
      () => 'Will the IP allowlist break our ETL jobs in AWS?',
      () => 'IP allowlist blocks our integrations after enabling it',
    ],
    question: () => md`
      We're about to turn on the IP allowlist for our workspace (office and VPN ranges). Does it also restrict API tokens and connectors? I don't want to break our ETL jobs running in AWS.
    `,
    answer: () => md`
      Yes, by default the allowlist applies to **everything**: web sign-ins, API tokens and OAuth apps. Connectors that *we* run (Slack, Salesforce syncs) are exempt because they come from our own infrastructure.

      Before enabling it:

      - add the egress IPs of your ETL (NAT gateway) to the list, or
      - mark specific API tokens as **Allowlist exempt** (Settings → API tokens → Edit), which is useful for SaaS tools with changing IPs.

      Use **Test mode** first: it logs would-be-blocked requests for 7 days without blocking them (Settings → Security → IP allowlist → Audit log).
    `,
    answerBy: 'staff',
  },
  {
    category: 'security',
    tags: ['audit-log', 'compliance'],
    titles: [
      () => 'Where can I see who deleted a project?',
      (s) => `A project vanished on ${s.day}: can we restore it?`,
      () => 'Is there an audit log for deleted records and projects?',
      () => 'Audit log: find out who changed automation settings',
    ],
    question: (s) => md`
      A project disappeared from our workspace on ${s.day}. Nobody remembers deleting it. Is there a log of who did it, and can we restore it?
    `,
    answer: () => md`
      Two places:

      - **Settings → Security → Audit log** (Business and Enterprise): filter by *Event: project.deleted*. It shows who, when, and from which IP. Retention is 90 days on Business and 1 year on Enterprise; you can also stream it to your SIEM.
      - **Trash** (all plans): deleted projects stay there for 30 days. Open Settings → Trash and click **Restore**; records, views and automations come back as they were.
    `,
  },
  {
    category: 'security',
    tags: ['sso', 'api-tokens', 'service-accounts'],
    plans: ['paid', 'enterprise'],
    titles: [
      () => 'After enforcing SSO our service account cannot sign in',
      () => '403 sso_required for our nightly script',
      () => 'Enforced SSO broke our integration user',
    ],
    question: () => md`
      We enabled **Require SSO for all members**. Now our integration user (\`integrations@…\`, not in our IdP) can't sign in any more, and a nightly script that logged in with email and password fails with \`403 sso_required\`.
    `,
    answer: () => md`
      Scripts shouldn't sign in with a password at all: create an **API token** for them (Settings → API tokens); tokens are not affected by SSO enforcement.

      For accounts that really need interactive access without the IdP (break-glass admin, external auditors), add them to **SSO exceptions** under Settings → Security → SSO. Exceptions are logged in the audit log and we recommend requiring a security key for them.
    `,
    answerBy: 'staff',
  },
  {
    category: 'security',
    tags: ['compliance', 'soc2', 'gdpr'],
    titles: [
      () => 'Where can I get your SOC 2 report and a signed DPA?',
      () => 'Procurement needs the SOC 2 Type II report before renewal',
      () => 'List of sub-processors and where data is stored',
      () => 'Security questionnaire: SOC 2, DPA and sub-processors',
    ],
    question: () => md`
      Our procurement team needs the SOC 2 Type II report, a signed DPA and the list of sub-processors before we can renew. Where do I find them?
    `,
    answer: () => md`
      All of it is on the **Trust center** (trust.relaybase.example):

      - SOC 2 Type II report: request access there; it's shared under NDA, usually within one business day.
      - DPA: pre-signed by us, downloadable; countersign and keep a copy. No need to send it back unless you change it.
      - Sub-processors: listed with their purpose and region; subscribe to be notified 30 days before changes.

      For custom questionnaires, Enterprise customers can ask their account manager; we answer the standard ones (CAIQ, SIG Lite) directly.
    `,
    answerBy: 'support',
  },
  // --- Bug reports ------------------------------------------------------------
  {
    category: 'bugs',
    tags: ['regression', 'records'],
    bug: true,
    titles: [
      (s) => `Since upgrading to ${s.version}, the records page shows "Something went wrong" (${s.code})`,
      (s) => `${s.version}: "Cannot read properties of undefined (reading 'displayValue')"`,
      (s) => `Views with linked records broken after ${s.version} rollout`,
      (s) => `Regression in ${s.version}: records page crashes with ${s.code}`,
    ],
    question: (s) => md`
      Since our workspace was upgraded to **${s.version}** this morning, opening any view with a *Linked record* column shows "Something went wrong (${s.code})". Views without linked records work.

      Console output:

      ${code('text', `Uncaught TypeError: Cannot read properties of undefined (reading 'displayValue')\n    at LinkedRecordCell (cells/linked-record.tsx:88:31)\n    at renderCell (grid/row.tsx:142:12)\n    at GridRow (grid/row.tsx:61:9)\n[relaybase] ${s.code} view_render_failed view=vw_3kq9 request_id=${s.requestId}`)}

      ${s.browser}, ${s.os}. Cleared cache, same result. This blocks our whole ops team.
    `,
    answer: (s) => md`
      Thanks for the stack trace, that made it quick. I can reproduce it: views with a linked-record column crash when a linked record was **deleted** but the link wasn't cleaned up. It's a regression in ${s.version}, tracked as ${s.ticket}.

      Workaround until the fix ships: in the view, add a filter *Linked record → is not empty*, or hide the column; the view then loads. A fix is going out in ${s.nextVersion}.
    `,
    answerBy: 'engineer',
    fixed: (s) => md`
      ${s.nextVersion} is rolled out to all workspaces and fixes ${s.ticket}. Dangling links are now shown as *(deleted record)* instead of crashing the view. You can remove the workaround filter. Thanks everyone for the reports!
    `,
  },
  {
    category: 'bugs',
    tags: ['desktop-app', 'crash'],
    extraTag: (s) => (s.os.startsWith('mac') ? 'macos' : s.os.startsWith('Windows') ? 'windows' : 'linux'),
    bug: true,
    titles: [
      (s) => `Desktop app crashes on launch on ${s.os} after auto-update`,
      () => 'SqliteError: no such column: sync_cursor on desktop app start',
      (s) => `Desktop app closes after the splash screen (${s.os})`,
      (s) => `Desktop ${s.version} quits immediately after start`,
    ],
    question: (s) => md`
      The desktop app updated itself to ${s.version} overnight and now quits right after the splash screen. ${s.os}. From the log (\`~/Library/Logs/Relaybase/main.log\` or \`%APPDATA%\\Relaybase\\logs\\main.log\`):

      ${code('text', `[2024-06-11 08:12:44.102] [info]  Relaybase ${s.version} starting (electron 30.1.0)\n[2024-06-11 08:12:44.871] [info]  Migrating local cache schema v14 -> v15\n[2024-06-11 08:12:45.003] [error] Uncaught Exception: SqliteError: no such column: sync_cursor\n    at Database.prepare (node_modules/better-sqlite3/lib/methods/wrappers.js:5:21)\n    at LocalCache.open (app/cache/local-cache.js:212:18)`)}

      The web app works fine.
    `,
    answer: () => md`
      The local cache migration fails when an older app version was interrupted mid-sync. The cache is only a copy of server data, so deleting it is safe:

      - macOS: quit the app, then \`rm -rf ~/Library/Application\\ Support/Relaybase/cache\`
      - Windows: close the app, delete \`%APPDATA%\\Relaybase\\cache\`
      - Linux: \`rm -rf ~/.config/Relaybase/cache\`

      Start the app again; it re-downloads what it needs. We're making the migration tolerate this case.
    `,
    answerBy: 'engineer',
    fixed: (s) => md`
      Update: ${s.nextVersion} (rolling out through auto-update today) rebuilds the cache automatically when the migration fails, so nobody should need to delete it manually any more.
    `,
  },
  {
    category: 'bugs',
    tags: ['timezones', 'dates', 'dst'],
    bug: true,
    titles: [
      () => 'Due dates shift by one hour after the DST change',
      (s) => `Recurring reminders an hour off since the clock change (${s.version})`,
      () => 'Reminders fire an hour late since daylight saving time ended',
    ],
    question: (s) => md`
      Since the clocks changed, every due date with a time in our workspace shows one hour later than it was set, and reminders fire an hour late. Workspace timezone: Europe/London, my profile timezone: same. Version ${s.version}.

      Example: a record created with due date *14 March 09:00* now shows *10:00*.
    `,
    answer: (s) => md`
      Confirmed, and sorry about this. Recurring reminders stored their time as a fixed UTC offset instead of in the workspace timezone, so they're an hour off after a DST change. One-off due dates set after the change are correct. Tracked as ${s.ticket}.

      Until the fix, editing and re-saving a recurring rule stores it correctly.
    `,
    answerBy: 'engineer',
    fixed: (s) => md`
      Fixed in ${s.nextVersion}: recurring rules are stored in the workspace timezone, and we migrated all existing rules, so you don't need to re-save anything.
    `,
  },
  {
    category: 'bugs',
    tags: ['export', 'http-500'],
    bug: true,
    titles: [
      (s) => `Export returns HTTP ${s.status} for projects with archived fields`,
      (s) => `POST /v2/exports returns ${s.status} for one project only`,
      (s) => `Export fails with internal error (request ${s.requestId})`,
      () => 'CSV export fails with an internal server error',
    ],
    question: (s) => md`
      Exporting the *Contracts* project to CSV fails every time:

      ${code('text', `POST /v2/exports HTTP/1.1\n→ ${s.status} {"error":{"code":"internal","message":"An unexpected error occurred","request_id":"${s.requestId}"}}`)}

      Other projects export fine. The only unusual thing about *Contracts* is that we archived a few fields last week.
    `,
    answer: (s) => md`
      Good catch on the archived fields, that's exactly it: the exporter tries to include archived **formula** fields and fails computing them. Logged as ${s.ticket}.

      Workaround: export a **view** instead of the whole project (View → ⋯ → Export CSV); views skip archived fields. Or unarchive the formula fields, export, and archive them again.
    `,
    answerBy: 'engineer',
    fixed: (s) => md`
      The fix for ${s.ticket} is deployed: archived fields are now skipped in project exports (and you can include them explicitly with \`include_archived=true\`).
    `,
  },
  {
    category: 'bugs',
    tags: ['notifications', 'email', 'regression'],
    bug: true,
    titles: [
      (s) => `Email notifications sent twice since ${s.version}`,
      () => 'Duplicate mention emails, a few seconds apart',
      () => 'Everyone gets duplicate notification emails',
    ],
    question: (s) => md`
      Since ${s.version} every notification email (mentions, assignments) arrives twice, a few seconds apart. Same subject, same content. Several people on our team see it. Message headers of the two copies:

      ${code('text', 'Message-ID: <ntf_9QK2F.1@mail.relaybase.example>\nMessage-ID: <ntf_9QK2F.2@mail.relaybase.example>\nX-Relaybase-Notification: ntf_9QK2F')}
    `,
    answer: (s) => md`
      Thanks, the two Message-IDs with the same notification ID were the giveaway. A retry in our mail worker re-sent messages that had already been accepted by the mail provider. The fix is in review (${s.ticket}). Nothing to change on your side; the duplicates stop once it's deployed.
    `,
    answerBy: 'engineer',
    fixed: (s) => md`
      Deployed: the mail worker now uses the notification ID as an idempotency key, so a retry can't send a second copy. ${s.ticket} is closed. Let us know if you still see duplicates after today.
    `,
  },
  {
    category: 'bugs',
    tags: ['formulas', 'fields'],
    bug: true,
    titles: [
      () => 'Formula field shows NaN when a referenced number field is empty',
      () => 'NaN in formula breaks the sum in the view footer',
      (s) => `Formula {Quantity} * {Unit price} shows NaN (${s.version})`,
      () => 'Formula returns NaN instead of 0 for blank values',
    ],
    question: () => md`
      My formula field \`{Quantity} * {Unit price}\` shows **NaN** for records where *Quantity* is empty. In spreadsheets that would just be 0. Is this intended? It breaks the sum at the bottom of the view too.
    `,
    answer: () => md`
      Empty number fields are *blank*, not 0, in formulas, so the product is undefined. Wrap the inputs:

      ${code('text', 'IF(BLANK({Quantity}), 0, {Quantity}) * IF(BLANK({Unit price}), 0, {Unit price})')}

      or shorter: \`N({Quantity}) * N({Unit price})\`; \`N()\` turns blank into 0.

      Showing \`NaN\` to humans is still unhelpful, and the footer sum shouldn't fail because of it; I've passed that on.
    `,
    answerBy: 'staff',
    fixed: (s) => md`
      Since ${s.nextVersion} formulas display an empty cell instead of NaN, and view totals skip empty values. \`N()\` is still the way to treat blanks as 0.
    `,
  },
  {
    category: 'bugs',
    tags: ['comments', 'markdown'],
    bug: true,
    titles: [
      () => 'Code blocks in comments lose their indentation',
      (s) => `Leading spaces stripped from code in comments (${s.browser})`,
      () => 'Pasted YAML in a comment gets flattened',
    ],
    question: () => md`
      When I paste a code block into a record comment, all indentation is gone after saving. That's bad for YAML:

      ${code('yaml', 'services:\n  worker:\n    image: relaybase/agent:2\n    environment:\n      RB_TOKEN: ${RB_TOKEN}')}

      turns into every line starting at column 0. The editor preview looks right; only the saved comment is wrong.
    `,
    answer: (s) => md`
      Reproduced. The rich-text editor converts tabs and leading spaces to non-breaking spaces on paste, and the comment sanitiser then strips them. Filed as ${s.ticket}.

      Workaround: type three backticks first to create an empty code block and paste *into* it. Pasting inside a code block keeps the whitespace.
    `,
    answerBy: 'engineer',
    fixed: (s) => md`
      Fixed in ${s.nextVersion}: whitespace inside code blocks is preserved whichever way you paste. Existing comments aren't changed, but editing and re-saving them fixes them.
    `,
  },
  // --- Feature requests ---------------------------------------------------
  {
    category: 'feature-requests',
    tags: ['webhooks', 'security'],
    titles: [
      () => 'Allow two active webhook secrets during rotation',
      () => 'Webhook deliveries fail while we roll out a new secret',
      () => 'Feature request: zero-downtime webhook secret rotation',
    ],
    question: () => md`
      Rotating a webhook secret today means a window where deliveries fail: the new secret is active immediately, but our receivers only pick it up after a deploy.

      **Request**: let both the old and new secret be valid for a configurable period (say 24 hours), and sign with both so receivers can accept either.
    `,
    answer: (s) => md`
      Good news: this shipped in ${s.version}. Under **Settings → Webhooks → Rotate secret** choose *Keep the old secret valid for* (1 hour to 7 days). During that window each delivery's \`Relaybase-Signature\` header carries two \`v1=\` signatures, one per secret. Check the payload against both and accept either match.
    `,
    answerBy: 'staff',
  },
  {
    category: 'feature-requests',
    tags: ['bulk-edit', 'records'],
    titles: [
      () => 'Bulk edit for more than 500 records at once',
      (s) => `Re-assigning ${s.rows} records, 500 at a time, is painful`,
      () => 'Bulk edit "all records matching this filter"',
      () => 'Raise the 500-record limit for bulk updates',
    ],
    question: (s) => md`
      We regularly need to re-assign ${s.rows} records when someone changes teams. Bulk edit is capped at 500 records per action, so it's 10+ rounds of select, edit, wait. Could the limit be raised, or could bulk edit work on "all records matching this filter"?
    `,
    answer: (s) => md`
      Thanks, this is a common request and it's planned. We're working on **Update all matching records**, which runs a bulk edit as a background job over a whole filtered view, with progress and an undo. It's tracked as ${s.ticket}; I've added your workspace to the early-access list.

      Until then, the API's \`POST /v2/records:batch\` (500 per call) or a one-off automation (*Run on view*) are the fastest ways.
    `,
    answerBy: 'staff',
  },
  {
    category: 'feature-requests',
    tags: ['mobile', 'dark-mode'],
    titles: [
      () => 'Dark mode for the mobile app',
      () => 'iOS app ignores the system dark mode',
      () => 'Please follow the system dark mode setting on iOS and Android',
    ],
    question: () => md`
      The web app follows the system dark mode, but the iOS and Android apps are always light. Checking records at night is painful. Any plans?
    `,
    answer: () => md`
      It's on the roadmap for the next mobile release: the apps will follow the system setting, with a manual override in Profile → Appearance. I'll update this thread when it's in the beta (you can join the beta from Profile → About → Beta program).
    `,
    answerBy: 'staff',
  },
  {
    category: 'feature-requests',
    tags: ['terraform', 'api', 'infrastructure-as-code'],
    titles: [
      () => 'Terraform provider for workspace settings and automations',
      () => 'Is there an official Terraform provider?',
      () => 'Manage Relaybase configuration as code',
    ],
    question: () => md`
      We manage everything else as code and would love to do the same here: projects, fields, roles, webhooks and automations in Terraform, so changes go through review. Example of what we'd like:

      ${code('hcl', 'resource "relaybase_webhook" "orders" {\n  project = relaybase_project.orders.id\n  url     = "https://hooks.example.com/relaybase"\n  events  = ["record.created", "record.updated"]\n}')}
    `,
    answer: () => md`
      There's a community provider (\`registry.terraform.io/relaybase-community/relaybase\`) covering projects, fields and webhooks, built on the public API. An official provider isn't on the roadmap this year. The plan is to first make automations fully manageable through the API (they aren't yet), which any provider needs.

      Meanwhile, **sandboxes** with *Compare with production* give you a review step for schema changes.
    `,
    answerBy: 'staff',
    followUps: [
      () => md`
        We use the community provider in production for webhooks and fields. Works well; just pin the version, it had one breaking change last year.
      `,
    ],
  },
  {
    category: 'feature-requests',
    tags: ['forms', 'validation'],
    titles: [
      () => 'Conditional required fields in forms',
      () => 'Form: field required only for refund requests',
      () => 'Make a form field required only when another field has a value',
    ],
    question: () => md`
      Our intake form has a field *Reason for refund* that should be required only when *Request type* is "Refund". Today we can only make it always required or never. Conditional visibility exists, so conditional *required* seems like a small step?
    `,
    answer: () => md`
      Thanks for the clear example. Conditional visibility already covers half of this: since hidden fields are never required, you can split it into **two fields** with opposite conditions, one shown and required when *Request type = Refund*, the other hidden. Not elegant, but it works today.

      Proper conditional validation rules are being designed together with cross-field validation. I've linked this thread to that work so you get notified.
    `,
    answerBy: 'staff',
  },
  {
    category: 'feature-requests',
    tags: ['api', 'webhooks', 'events'],
    titles: [
      () => 'Webhook event when a comment is added to a record',
      () => 'Mirror record comments into our ticketing system',
      () => 'Feature request: comment.created webhook',
    ],
    question: () => md`
      Webhooks exist for record created/updated/deleted, but not for comments. We want to mirror comments into our ticketing system. Polling \`/v2/records/{id}/comments\` for thousands of records isn't realistic.
    `,
    answer: (s) => md`
      \`comment.created\`, \`comment.updated\` and \`comment.deleted\` are available in beta since ${s.version}. Enable *Beta events* on the webhook subscription to see them. The payload includes the record ID, the author and the comment as Markdown and plain text. Feedback welcome here before they go GA.
    `,
    answerBy: 'staff',
  },
]

// --- Generic replies --------------------------------------------------------

/** The asker confirming the solution. */
export const THANKS: ((s: Slots) => string)[] = [
  () => 'That fixed it, thank you! Marking this as the solution.',
  () => 'Perfect, that was exactly it. Thanks for the quick help!',
  (s) => `Confirmed working on ${s.version}. Thanks a lot!`,
  () => 'Brilliant, works now. I had looked at that screen three times and never noticed the option.',
  () => 'Thanks! Tried it this morning and everything is back to normal.',
  () => 'That did it. Sharing this with the rest of the team so nobody else loses an afternoon on it.',
  () => 'Works. Thanks for explaining *why* as well, that helps.',
  () => 'Thank you, problem solved. 🙏',
]

/** The asker following up without closing it. */
export const FOLLOW_UPS_FROM_ASKER: ((s: Slots) => string)[] = [
  () => "Thanks, I'll try this tomorrow and report back.",
  () => "Makes sense. I'll check with our IT team and come back here.",
  (s) => `Thanks. We're still on ${s.version}, I'll test again after the next update.`,
]

/** Someone else with the same problem. */
export const ME_TOO_REPLIES: ((s: Slots) => string)[] = [
  (s) => `Same here on ${s.version}, started today for us as well.`,
  () => 'Seeing exactly the same thing. Following.',
  (s) => `We have this too (${s.browser}, ${s.os}).`,
  () => 'Same problem in our workspace. Any update?',
  (s) => `+1, also happening in ${s.region}.`,
  () => "Glad it's not just us. Same error for three people on our team.",
]

/** A bump by the asker when nobody answered. */
export const BUMPS: ((s: Slots) => string)[] = [
  () => 'Bumping this. Still an issue for us, any ideas?',
  () => "Any update? We're still stuck on this.",
  (s) => `Adding: it also happens on ${s.version}. Happy to provide more details.`,
  () => 'Anyone? Even a pointer to the right docs page would help.',
]

/** Staff asking for the basics before answering. */
export const GENERIC_CLARIFY: ((s: Slots) => string)[] = [
  () =>
    'Thanks for reaching out! Could you tell us your workspace URL, the version (Settings → About) and, if you have one, a request ID from a failing call? That lets us look at the logs.',
  () => 'Happy to help. Which browser and OS are you on, and does it also happen in a private window?',
  () => 'Thanks for the report. Does this happen for everyone in your workspace or only some people? Screenshots help too.',
]

export const GENERIC_DETAILS: ((s: Slots) => string)[] = [
  (s) => `Workspace \`${s.workspace}\`, version ${s.version}, region ${s.region}. Request ID from this morning: \`${s.requestId}\`.`,
  (s) => `${s.browser} on ${s.os}. Same in a private window.`,
  (s) => `Everyone on the team (${s.activeSeats} people). We're on ${s.version}.`,
]

/** Staff closing a thread before locking it. */
export const LOCK_NOTES: ((s: Slots) => string)[] = [
  (s) =>
    `This was fixed in ${s.nextVersion}, so I'm locking the thread to keep the solution easy to find. If you still see this after updating, please open a new thread with your version and a request ID.`,
  () =>
    "Locking this thread: the answer above is still correct, and new replies here tend to be different problems with similar symptoms. Please start a new thread and link this one if it's related.",
]

/** A customer pasting a secret, which staff hide. */
export const LEAKED_SECRET_REPLY = (s: Slots): string => md`
  Here's our config in case it helps:

  ${code('bash', `RELAYBASE_WORKSPACE=${s.workspace}\nRELAYBASE_API_KEY=rb_live_4f9c2e7a81d34b0fa6c1e2d9b7a53f10\nRELAYBASE_REGION=${s.region}`)}
`

export const HIDDEN_SECRET_NOTE = (s: Slots): string => md`
  I've hidden the previous reply because it contained a live API key. ${s.asker}, please revoke that key under **Settings → API tokens** and create a new one. Hidden replies are only visible to staff and their author.
`

export const SPAM_REPLY: (s: Slots) => string = () => md`
  Struggling with ${PRODUCT}? Our certified consultants set up your whole workspace in 24 hours! 🚀 Limited offer, visit rankrocket.example/relaybase-setup for 50% off.
`

// --- Variety --------------------------------------------------------------------

/** How people open a question, so two threads from one template read differently. */
export const INTROS: ((s: Slots) => string)[] = [
  () => 'Hi all,',
  () => 'Hello!',
  () => 'Hey everyone,',
  () => 'Quick question, hopefully an easy one.',
  () => 'First post here, so apologies if this has been asked before.',
  () => "I searched the forum and the docs but didn't find anything that matches.",
  (s) => `We're on ${s.version}, in case that matters.`,
  (s) => `Posting on behalf of our ops team (workspace \`${s.workspace}\`).`,
]

/** How people close a question. */
export const OUTROS: ((s: Slots) => string)[] = [
  () => 'Thanks in advance!',
  () => 'Any pointers appreciated.',
  (s) => `Thanks,\n${s.asker}`,
  () => 'Happy to share more details if needed.',
  () => 'This is blocking our rollout, so any help is very welcome.',
  () => 'Cheers!',
]

/** Other people confirming that a solution worked for them too. */
export const CONFIRMATIONS: ((s: Slots) => string)[] = [
  () => 'Can confirm, this fixed it for us too.',
  () => 'Thanks for posting this, it saved me a support ticket.',
  (s) => `Same fix worked for us on ${s.version}.`,
  () => 'Bookmarking this. Exactly what I was looking for.',
  () => 'This should be in the docs. Worked first time for me.',
]

/** Staff checking back when the asker went quiet. */
export const CHECK_INS: ((s: Slots) => string)[] = [
  (s) =>
    `Hi ${s.asker}, just checking in: did this solve it? If it did, please mark the reply as the solution so others with the same problem find it faster.`,
  () => "Following up on this one. Let us know if you're still stuck and we'll take a closer look.",
]
