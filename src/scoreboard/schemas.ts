import { z } from 'zod'
import { id } from '../validation'

export const AssignIssueOwnerInput = z.object({
  itemId: id('issue'),
  // '' clears the owner.
  ownerId: z.union([z.literal(''), id('owner')]),
})
export type AssignIssueOwnerInput = z.input<typeof AssignIssueOwnerInput>
