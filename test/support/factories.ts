import { hashPassword } from '../../src/auth/passwords'
import type { Db } from '../../src/db/client'
import {
  businessCalendars,
  categories,
  organisations,
  slaPolicies,
  staffProfiles,
  teamMembers,
  teams,
  users,
  type BusinessCalendarRow,
  type Category,
  type Organisation,
  type Plan,
  type Role,
  type SlaPolicy,
  type User,
} from '../../src/db/schema'
import { askQuestion, postReply } from '../../src/forum'
import { saveRotation } from '../../src/rotation'
import type { TestApp } from './app'

export const TEST_PASSWORD = 'correct horse battery staple'
let passwordHash: Promise<string> | undefined
let sequence = 0
const next = () => ++sequence

export async function createUser(
  db: Db,
  overrides: Partial<{ email: string; displayName: string; role: Role; organisationId: number | null; trustLevel: number; createdAt: Date }> = {},
): Promise<User> {
  passwordHash ??= hashPassword(TEST_PASSWORD)
  const n = next()
  const [user] = await db
    .insert(users)
    .values({
      email: overrides.email ?? `person${n}@example.com`,
      displayName: overrides.displayName ?? `Person ${n}`,
      role: overrides.role ?? 'member',
      organisationId: overrides.organisationId ?? null,
      // Made people are established members (trust level 2) unless a test asks for a new account,
      // so the new-account limits of src/safety only meet the tests that are about them.
      trustLevel: overrides.trustLevel ?? 2,
      passwordHash: await passwordHash,
      createdAt: overrides.createdAt ?? new Date('2026-01-01T00:00:00Z'),
    })
    .returning()
  return user!
}

export async function createOrganisation(
  db: Db,
  overrides: Partial<{ name: string; plan: Plan; mrrCents: number; isPriority: boolean }> = {},
): Promise<Organisation> {
  const [organisation] = await db
    .insert(organisations)
    .values({
      name: overrides.name ?? `Organisation ${next()}`,
      plan: overrides.plan ?? 'paid',
      mrrCents: overrides.mrrCents ?? 50_000,
      isPriority: overrides.isPriority ?? false,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    })
    .returning()
  return organisation!
}

export async function createCategory(
  db: Db,
  overrides: Partial<{ name: string; slug: string; team: string; description: string; position: number }> = {},
): Promise<Category> {
  const n = next()
  const [category] = await db
    .insert(categories)
    .values({
      name: overrides.name ?? `Category ${n}`,
      slug: overrides.slug ?? `category-${n}`,
      team: overrides.team ?? 'support',
      description: overrides.description ?? 'Questions about things',
      position: overrides.position ?? n,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    })
    .returning()
  return category!
}

/** Asks a question through the real verb, as `author`. */
export async function createThread(
  t: TestApp,
  author: User,
  category: Category,
  overrides: Partial<{ title: string; body: string; tags: string }> = {},
): Promise<{ id: number; slug: string }> {
  const n = next()
  return askQuestion({
    ctx: t.ctx(author),
    input: {
      title: overrides.title ?? `How do I configure the widget number ${n}?`,
      body: overrides.body ?? `I tried the settings page but the widget ${n} does not change. What am I missing?`,
      categoryId: String(category.id),
      tags: overrides.tags ?? '',
    },
  })
}

export async function createReply(t: TestApp, author: User, threadId: number, body?: string): Promise<{ id: number; threadId: number }> {
  return postReply({ ctx: t.ctx(author), input: { threadId, body: body ?? `Try turning it off and on again (${next()}).` } })
}

/** A team with members; `onDuty` members take routed items. */
export async function createTeam(t: TestApp, slug: string, members: { user: User; onDuty?: boolean; cap?: number }[], lead?: User): Promise<void> {
  await t.db.insert(teams).values({ slug, name: slug, leadId: lead?.id ?? null, createdAt: new Date('2026-01-01T00:00:00Z') }).onConflictDoNothing()
  for (const member of members) {
    await t.db.insert(teamMembers).values({ teamSlug: slug, userId: member.user.id }).onConflictDoNothing()
    await t.db
      .insert(staffProfiles)
      .values({ userId: member.user.id, onDuty: member.onDuty ?? true, itemCap: member.cap ?? 25 })
      .onConflictDoUpdate({ target: staffProfiles.userId, set: { onDuty: member.onDuty ?? true, itemCap: member.cap ?? 25 } })
  }
}

export async function createCalendar(
  db: Db,
  overrides: Partial<{ name: string; timezone: string; windows: { day: number; start: number; end: number }[]; holidays: string[] }> = {},
): Promise<BusinessCalendarRow> {
  const [calendar] = await db
    .insert(businessCalendars)
    .values({
      name: overrides.name ?? `Calendar ${next()}`,
      timezone: overrides.timezone ?? 'Europe/Berlin',
      windows: overrides.windows ?? [1, 2, 3, 4, 5].map((day) => ({ day, start: 540, end: 1020 })),
      holidays: overrides.holidays ?? [],
      createdAt: new Date('2026-01-01T00:00:00Z'),
    })
    .returning()
  return calendar!
}

export async function createPolicy(
  db: Db,
  overrides: Partial<{ name: string; position: number; matchPlan: Plan | null; matchSeverity: string | null; matchKind: string | null; first: number; next: number; resolution: number; calendarId: number | null }> = {},
): Promise<SlaPolicy> {
  const [policy] = await db
    .insert(slaPolicies)
    .values({
      name: overrides.name ?? `Policy ${next()}`,
      position: overrides.position ?? next(),
      matchPlan: overrides.matchPlan ?? null,
      matchSeverity: overrides.matchSeverity ?? null,
      matchKind: overrides.matchKind ?? null,
      firstResponseMinutes: overrides.first ?? 240,
      nextResponseMinutes: overrides.next ?? 480,
      resolutionMinutes: overrides.resolution ?? 2400,
      calendarId: overrides.calendarId ?? null,
      createdAt: new Date('2026-01-01T00:00:00Z'),
      updatedAt: new Date('2026-01-01T00:00:00Z'),
    })
    .returning()
  return policy!
}

/** A weekly rotation for `teamSlug` (handoff 09:00 Berlin, response targets 48/24/8/2 h), saved by `admin`. */
export async function createRotation(
  t: TestApp,
  admin: User,
  teamSlug: string,
  members: User[],
  overrides: Record<string, string> = {},
): Promise<void> {
  await saveRotation({
    ctx: t.ctx(admin),
    input: {
      teamSlug,
      name: 'Platform rotation',
      shiftDays: '7',
      handoff: '09:00',
      timezone: 'Europe/Berlin',
      memberIds: members.map((member) => String(member.id)),
      responseLow: '48',
      responseNormal: '24',
      responseHigh: '8',
      responseCritical: '2',
      ...overrides,
    },
  })
}
