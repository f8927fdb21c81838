/** What a fresh forum starts with, so the first customer can ask before an admin has set anything up. */
export const DEFAULT_TEAM = { slug: 'support', name: 'Support' } as const

export const DEFAULT_CATEGORY = {
  slug: 'general',
  name: 'General',
  description: 'Questions about anything. Not sure where yours belongs? Ask here.',
  team: DEFAULT_TEAM.slug,
} as const

/** Names of the first-run steps recorded in `setup_steps`. */
export const SETUP_STEPS = { defaultCategory: 'default-category' } as const
