import { eq } from 'drizzle-orm'
import type { Db } from '../db/client'
import { safetySettings } from '../db/schema'

export interface SafetyChoices {
  approveNewAccountPosts: boolean
  approveNewAccountPostCount: number
  blockDisposableEmail: boolean
  flagsToHide: number
  newAccountMaxLinkDomains: number
}

export const DEFAULT_SAFETY: SafetyChoices = {
  approveNewAccountPosts: false,
  approveNewAccountPostCount: 1,
  blockDisposableEmail: false,
  flagsToHide: 3,
  newAccountMaxLinkDomains: 2,
}

/** The admin's choices, or the defaults until an admin saves them once. */
export async function getSafetySettings(db: Db): Promise<SafetyChoices> {
  const [row] = await db.select().from(safetySettings).where(eq(safetySettings.id, 1))
  if (!row) return DEFAULT_SAFETY
  return {
    approveNewAccountPosts: row.approveNewAccountPosts,
    approveNewAccountPostCount: row.approveNewAccountPostCount,
    blockDisposableEmail: row.blockDisposableEmail,
    flagsToHide: row.flagsToHide,
    newAccountMaxLinkDomains: row.newAccountMaxLinkDomains,
  }
}
