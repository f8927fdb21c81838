import { DateTime } from 'luxon'
import { seededRandom, type Random } from './random'

// The month's customer traffic, planned up front from the seed: who asks what, when. The plan
// is pure data; simulate.ts plays it against the application minute by minute.

export const ZONE = 'Europe/Berlin'

export type Plan = 'free' | 'startup' | 'paid' | 'enterprise'

export interface ReplayScale {
  /** Simulated days from `start` (a Monday, 00:00 in ZONE). */
  days: number
  /** Mean questions on a weekday; a weekend day gets a quarter of it. */
  questionsPerWeekday: number
  /** Incidents in the period: many customers, one bug, one hour. */
  incidents: number
  /** Customers who report each incident. */
  incidentReporters: number
  /** Customers per organisation plan (and unaffiliated community members as 'free'). */
  customersPerPlan: Record<Plan | 'community', number>
  organisationsPerPlan: Record<Plan, number>
}

export const MONTH: ReplayScale = {
  days: 30,
  questionsPerWeekday: 26,
  incidents: 3,
  incidentReporters: 10,
  customersPerPlan: { community: 60, free: 24, startup: 30, paid: 45, enterprise: 30 },
  organisationsPerPlan: { free: 6, startup: 6, paid: 6, enterprise: 4 },
}

export const WEEK: ReplayScale = {
  days: 7,
  questionsPerWeekday: 7,
  incidents: 1,
  incidentReporters: 5,
  customersPerPlan: { community: 10, free: 5, startup: 5, paid: 6, enterprise: 6 },
  organisationsPerPlan: { free: 2, startup: 2, paid: 2, enterprise: 2 },
}

/**
 * The short version in `npm test` (test/integration/replay-week.test.ts): two working days, a
 * handful of customers, one small incident (on the second day; its fix goes out in the period).
 * Small on purpose: it asserts the goals, never a timing, and must cost seconds per database.
 */
export const SHORT_REPLAY: ReplayScale = {
  days: 2,
  questionsPerWeekday: 3,
  incidents: 1,
  incidentReporters: 4,
  customersPerPlan: { community: 4, free: 2, startup: 2, paid: 3, enterprise: 3 },
  organisationsPerPlan: { free: 1, startup: 1, paid: 1, enterprise: 1 },
}

/** Ten times the month's traffic: the soak. */
export function scaled(scale: ReplayScale, factor: number): ReplayScale {
  const times = (record: Record<string, number>) => Object.fromEntries(Object.entries(record).map(([key, value]) => [key, Math.round(value * factor)]))
  return {
    ...scale,
    questionsPerWeekday: scale.questionsPerWeekday * factor,
    incidentReporters: Math.round(scale.incidentReporters * Math.sqrt(factor)),
    incidents: scale.incidents,
    customersPerPlan: times(scale.customersPerPlan) as ReplayScale['customersPerPlan'],
    organisationsPerPlan: times(scale.organisationsPerPlan) as ReplayScale['organisationsPerPlan'],
  }
}

// Questions per local hour of the day, relative: quiet nights, a morning peak, a lunch dip.
const HOURLY = [0.15, 0.1, 0.08, 0.08, 0.1, 0.2, 0.4, 0.8, 1.4, 2.1, 2.4, 2.3, 1.6, 1.9, 2.3, 2.2, 1.8, 1.3, 0.9, 0.7, 0.6, 0.5, 0.35, 0.2]

export type Outcome = 'fixed' | 'workaround' | 'wont_fix' | 'needs_info' | 'duplicate'

export interface Bug {
  id: number
  /** What engineering answers, in order (needs info first, then a fix, for example). */
  outcomes: Outcome[]
  severity: 'normal' | 'high' | 'critical'
  errorCode: string
  area: string
  /** Set for an incident's bug. */
  incident: boolean
}

export interface PlannedQuestion {
  index: number
  at: Date
  /** Index into the customers list. */
  customer: number
  kind: 'howto' | 'bug'
  /** The underlying defect, for bug reports (several reports may share one). */
  bugId: number | null
  /** For a how-to: the earlier question it repeats (a solved one may deflect it). */
  repeatOf: number | null
  title: string
  body: string
}

export interface TrafficPlan {
  start: Date
  end: Date
  questions: PlannedQuestion[]
  bugs: Bug[]
  customers: { plan: Plan | 'community'; organisation: number | null }[]
  organisations: { plan: Plan; name: string; priority: boolean; trial: boolean; mrr: number }[]
}

const AREAS = ['CSV export', 'SSO login', 'webhook delivery', 'billing portal', 'project dashboard', 'mobile app sync', 'API tokens', 'team invitations', 'audit log', 'search filters', 'calendar view', 'Slack integration', 'file uploads', 'email digests', 'custom fields', 'report scheduler']
const HOWTO = [
  (area: string) => `How do I change the default settings of the ${area}?`,
  (area: string) => `How can I limit who sees the ${area} in our workspace?`,
  (area: string) => `Is there a way to automate the ${area} for every new project?`,
  (area: string) => `How should we set up the ${area} for a team of forty people?`,
  (area: string) => `Can I move the ${area} configuration from staging to production?`,
  (area: string) => `What is the best way to document our ${area} conventions?`,
]
const SYMPTOMS = [
  { title: (area: string) => `${cap(area)} fails with 502 Bad Gateway since upgrading`, line: 'returns HTTP 502 Bad Gateway every time' },
  { title: (area: string) => `${cap(area)} crashes when the list is long`, line: 'crashes the tab and the page freezes' },
  { title: (area: string) => `${cap(area)} stopped working after the last update`, line: 'stopped working after the update and shows an error' },
  { title: (area: string) => `Wrong totals in the ${area} since the release`, line: 'shows wrong totals, the numbers are incorrect' },
]

const cap = (text: string) => text[0]!.toUpperCase() + text.slice(1)

export function planTraffic(scale: ReplayScale, seed: number, start: Date): TrafficPlan {
  const random = seededRandom(seed)
  const organisations = planOrganisations(scale, random.fork('organisations'))
  const customers = planCustomers(scale, organisations, random.fork('customers'))
  const arrivals = planArrivals(scale, start, random.fork('arrivals'))
  const bugs: Bug[] = []
  const questions: PlannedQuestion[] = []
  const content = random.fork('content')
  const newBug = (incident: boolean): Bug => {
    const roll = content.next()
    const outcomes: Outcome[] = roll < 0.55 ? ['fixed'] : roll < 0.67 ? ['needs_info', 'fixed'] : roll < 0.82 ? ['workaround'] : ['wont_fix']
    const bug: Bug = {
      id: bugs.length + 1,
      outcomes: incident ? ['fixed'] : outcomes,
      severity: incident ? 'critical' : content.pick(['normal', 'normal', 'high', 'high', 'critical'] as const),
      errorCode: `E${4000 + bugs.length * 7}`,
      area: content.pick(AREAS),
      incident,
    }
    bugs.push(bug)
    return bug
  }
  const openBugs: Bug[] = []
  const howtos: number[] = []
  // Ordinary traffic: 20 % bug-like (a third of those repeat a known bug), 80 % how-to.
  for (const at of arrivals) {
    const index = questions.length
    const customer = content.int(0, customers.length - 1)
    if (content.chance(0.2)) {
      const repeat = openBugs.length > 0 && content.chance(0.3)
      const bug = repeat ? content.pick(openBugs.slice(-8)) : newBug(false)
      if (!repeat) openBugs.push(bug)
      questions.push({ index, at, customer, kind: 'bug', bugId: bug.id, repeatOf: null, ...bugText(bug, index, content) })
      continue
    }
    const repeatOf = howtos.length > 5 && content.chance(0.15) ? content.pick(howtos) : null
    const area = repeatOf !== null ? areaOf(questions[repeatOf]!.title) : content.pick(AREAS)
    const title = repeatOf !== null ? questions[repeatOf]!.title.replace(/\?$/, ' (again)?') : `${content.pick(HOWTO)(area)}`
    howtos.push(index)
    questions.push({
      index,
      at,
      customer,
      kind: 'howto',
      bugId: null,
      repeatOf,
      title: uniqueTitle(title, index),
      body: `We would like to get this right for our team. I looked through the settings of the ${area} and the help pages but could not find where this is configured. Any pointers welcome.`,
    })
  }
  // Incidents: one bug, many customers, within an hour, at a busy weekday hour (one out of hours).
  const incidentRandom = random.fork('incidents')
  for (let n = 0; n < scale.incidents; n++) {
    const bug = newBug(true)
    const day = Math.min(scale.days - 1, Math.floor(((n + 0.5) * scale.days) / Math.max(1, scale.incidents)))
    let local = DateTime.fromJSDate(start, { zone: ZONE }).plus({ days: day })
    while (local.weekday > 5) local = local.plus({ days: 1 })
    const hour = n === 1 ? 20 : incidentRandom.pick([10, 11, 14, 15])
    const base = local.set({ hour, minute: incidentRandom.int(0, 20) })
    for (let r = 0; r < scale.incidentReporters; r++) {
      const at = base.plus({ minutes: incidentRandom.int(0, 59) }).toJSDate()
      const index = questions.length
      questions.push({ index, at, customer: incidentRandom.int(0, customers.length - 1), kind: 'bug', bugId: bug.id, repeatOf: null, ...bugText(bug, index, incidentRandom) })
    }
  }
  questions.sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index)
  // Renumber in time order so repeats always point at earlier questions.
  const order = new Map(questions.map((question, i) => [question.index, i]))
  for (const question of questions) {
    question.index = order.get(question.index)!
    if (question.repeatOf !== null) question.repeatOf = order.get(question.repeatOf)!
  }
  const end = DateTime.fromJSDate(start, { zone: ZONE }).plus({ days: scale.days }).toJSDate()
  return { start, end, questions: questions.filter((question) => question.at < end), bugs, customers, organisations }
}

function bugText(bug: Bug, index: number, random: Random): { title: string; body: string } {
  const symptom = SYMPTOMS[bug.id % SYMPTOMS.length]!
  const version = `4.${2 + (bug.id % 5)}.${bug.id % 10}`
  const phrasing = random.pick([
    `Since upgrading to ${version} the ${bug.area} ${symptom.line}.`,
    `After updating to ${version} our ${bug.area} ${symptom.line}; it used to work before.`,
    `The ${bug.area} ${symptom.line} for several of us since ${version}.`,
  ])
  return {
    title: uniqueTitle(`${symptom.title(bug.area)} (${bug.errorCode})`, index),
    body: `${phrasing}\n\n    [2026-03-0${1 + (index % 9)} 10:${String(10 + (index % 49)).padStart(2, '0')}:44] ERROR ${bug.area.replace(/\s/g, '_')} failed code=${bug.errorCode} request=${index}\n\nWe tried a second browser and another account; same result.`,
  }
}

function areaOf(title: string): string {
  return AREAS.find((area) => title.includes(area)) ?? AREAS[0]!
}

/** Titles must differ (slugs, search); a short reference keeps repeated wording distinct. */
function uniqueTitle(title: string, index: number): string {
  const question = title.endsWith('?')
  return `${question ? title.slice(0, -1) : title} (ref ${index + 101})${question ? '?' : ''}`
}

function planOrganisations(scale: ReplayScale, random: Random): TrafficPlan['organisations'] {
  const organisations: TrafficPlan['organisations'] = []
  const mrr: Record<Plan, [number, number]> = { free: [0, 0], startup: [100, 600], paid: [500, 4000], enterprise: [5000, 40000] }
  for (const plan of ['free', 'startup', 'paid', 'enterprise'] as const)
    for (let n = 0; n < scale.organisationsPerPlan[plan]; n++)
      organisations.push({
        plan,
        name: `${cap(plan)} Org ${n + 1}`,
        priority: plan === 'enterprise' && n === 0,
        trial: plan === 'paid' && n === 0,
        mrr: random.int(...mrr[plan]),
      })
  return organisations
}

function planCustomers(scale: ReplayScale, organisations: TrafficPlan['organisations'], random: Random): TrafficPlan['customers'] {
  const customers: TrafficPlan['customers'] = []
  for (let n = 0; n < scale.customersPerPlan.community; n++) customers.push({ plan: 'community', organisation: null })
  for (const plan of ['free', 'startup', 'paid', 'enterprise'] as const) {
    const ofPlan = organisations.map((org, index) => ({ org, index })).filter(({ org }) => org.plan === plan)
    for (let n = 0; n < scale.customersPerPlan[plan]; n++) customers.push({ plan, organisation: ofPlan.length ? ofPlan[n % ofPlan.length]!.index : null })
  }
  random.next()
  return customers
}

function planArrivals(scale: ReplayScale, start: Date, random: Random): Date[] {
  const arrivals: Date[] = []
  const first = DateTime.fromJSDate(start, { zone: ZONE }).startOf('day')
  for (let day = 0; day < scale.days; day++) {
    const date = first.plus({ days: day })
    const weekend = date.weekday > 5
    const count = random.poisson(scale.questionsPerWeekday * (weekend ? 0.25 : 1))
    for (let n = 0; n < count; n++) {
      const hour = random.weighted(HOURLY)
      arrivals.push(date.set({ hour, minute: random.int(0, 59) }).toJSDate())
    }
  }
  return arrivals.sort((a, b) => a.getTime() - b.getTime())
}
