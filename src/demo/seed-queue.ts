import { eq, inArray } from 'drizzle-orm'
import type { Db } from '../db/client'
import { businessCalendars, macros, organisations, slaPolicies, staffProfiles, teamMembers, teams, users } from '../db/schema'

// The support side of the demo: teams routed from the categories, who is on duty, business
// hours, SLA policies per plan and a few canned replies. The forum's own history then flows
// through the real queue rules when the demo starts (the outbox delivers every thread change).

const TEAMS: { slug: string; name: string; lead: string; members: string[] }[] = [
  { slug: 'onboarding', name: 'Onboarding', lead: 'Grace Mensah', members: ['Grace Mensah', 'Leila Haddad'] },
  { slug: 'billing', name: 'Billing', lead: 'Tomás Herrera', members: ['Tomás Herrera', 'Leila Haddad'] },
  { slug: 'platform', name: 'Platform', lead: 'Owen Pritchard', members: ['Owen Pritchard', 'Tomás Herrera', 'Aiko Tanaka', 'Felix Brandt'] },
  { slug: 'data', name: 'Data', lead: 'Grace Mensah', members: ['Grace Mensah', 'Ravi Kulkarni'] },
  { slug: 'identity', name: 'Identity & security', lead: 'Owen Pritchard', members: ['Owen Pritchard', 'Sofia Marchetti'] },
  { slug: 'product', name: 'Product', lead: 'Leila Haddad', members: ['Leila Haddad'] },
]

const ON_DUTY = ['Tomás Herrera', 'Grace Mensah', 'Owen Pritchard']

const MACROS = [
  {
    title: 'Thanks, investigating',
    body: 'Hi {{customer.name}},\n\nthanks for the report and the details. We can reproduce it and are looking into it now; I will update this thread as soon as we know more.\n\n{{agent.name}}',
  },
  {
    title: 'Need more details',
    body: 'Hi {{customer.name}},\n\nto dig into this we need a little more:\n\n- the exact time it happened (with timezone)\n- the workspace or project name\n- a request ID from the error, if there is one\n\nThanks!\n{{agent.name}}',
  },
  {
    title: 'Fixed in the latest release',
    body: 'Hi {{customer.name}},\n\ngood news: this is fixed in the latest release. Please update and let us know here if you still see it.\n\n{{agent.name}}',
  },
  {
    title: 'Billing: invoice reissued',
    body: 'Hi {{customer.name}},\n\nI have reissued the invoice for {{organisation.name}} with the corrected details; you will find it under Settings → Billing → Invoices.\n\n{{agent.name}}',
    team: 'billing',
  },
]

export async function seedQueueSettings(db: Db, at: Date): Promise<void> {
  const names = [...new Set(TEAMS.flatMap((team) => [team.lead, ...team.members]))]
  const people = await db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.displayName, names))
  const idOf = (name: string) => {
    const person = people.find((row) => row.displayName === name)
    if (!person) throw new Error(`Demo staff member ${name} is missing`)
    return person.id
  }
  await db.insert(teams).values(TEAMS.map((team) => ({ slug: team.slug, name: team.name, leadId: idOf(team.lead), createdAt: at })))
  await db.insert(teamMembers).values(TEAMS.flatMap((team) => team.members.map((member) => ({ teamSlug: team.slug, userId: idOf(member) }))))
  await db
    .insert(staffProfiles)
    .values(names.map((name) => ({ userId: idOf(name), onDuty: ON_DUTY.includes(name), onDutySince: ON_DUTY.includes(name) ? at : null, itemCap: 15 })))

  const [hours] = await db
    .insert(businessCalendars)
    .values({
      name: 'Support hours (Amsterdam)',
      timezone: 'Europe/Amsterdam',
      windows: [1, 2, 3, 4, 5].map((day) => ({ day, start: 8 * 60, end: 18 * 60 })),
      holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2027-01-01'],
      createdAt: at,
    })
    .returning({ id: businessCalendars.id })
  const policy = (name: string, position: number, match: { plan?: string; severity?: string; kind?: string }, first: number, next: number, resolution: number, calendar: boolean) => ({
    name,
    position,
    matchPlan: match.plan ?? null,
    matchSeverity: match.severity ?? null,
    matchKind: match.kind ?? null,
    firstResponseMinutes: first,
    nextResponseMinutes: next,
    resolutionMinutes: resolution,
    calendarId: calendar ? hours!.id : null,
    createdAt: at,
    updatedAt: at,
  })
  await db.insert(slaPolicies).values([
    policy('Incidents, any plan (24/7)', 1, { kind: 'incident' }, 30, 60, 480, false),
    policy('Enterprise, critical (24/7)', 2, { plan: 'enterprise', severity: 'critical' }, 60, 120, 720, false),
    policy('Enterprise', 3, { plan: 'enterprise' }, 120, 240, 2400, true),
    policy('Paid', 4, { plan: 'paid' }, 240, 480, 4800, true),
    policy('Startup', 5, { plan: 'startup' }, 480, 960, 9600, true),
  ])
  await db.insert(macros).values(MACROS.map((macro) => ({ title: macro.title, body: macro.body, teamSlug: macro.team ?? null, createdAt: at, updatedAt: at })))
  // One organisation is trying the product: the queue prioritises trials (P2).
  const [trial] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.plan, 'startup')).limit(1)
  if (trial) await db.update(organisations).set({ isTrial: true }).where(eq(organisations.id, trial.id))
}
