import { z } from 'zod'
import { plans, roles } from '../db/schema'
import { id, optionalId, optionalText, text } from '../validation'

export function normaliseEmail(value: unknown): unknown {
  return typeof value === 'string' ? value.trim().toLowerCase() : value
}

export const Email = z.preprocess(
  normaliseEmail,
  z
    .string({ error: 'Email is required.' })
    .min(1, { error: 'Email is required.' })
    .max(254, { error: 'Email must be at most 254 characters.' })
    .pipe(z.email({ error: 'Enter an email address like name@example.com.' })),
)

// Long passphrases welcome; the cap keeps one request from burning argon2 on megabytes.
export const NewPassword = z
  .string({ error: 'Password is required.' })
  .min(10, { error: 'Password must be at least 10 characters.' })
  .max(256, { error: 'Password must be at most 256 characters.' })
  .refine((value) => value.trim().length > 0, { error: 'Password cannot be only spaces.' })

export const DisplayName = text('Display name', { min: 2, max: 50, singleLine: true })

export const SignUpInput = z.object({
  email: Email,
  displayName: DisplayName,
  password: NewPassword,
  clientIp: z.string().default('unknown'),
})
export type SignUpInput = z.infer<typeof SignUpInput>

export const SignInInput = z.object({
  email: Email,
  password: z.string({ error: 'Password is required.' }).min(1, { error: 'Password is required.' }).max(256),
  clientIp: z.string().default('unknown'),
})
export type SignInInput = z.infer<typeof SignInInput>

export const CompleteSetupInput = z.object({
  token: z.string().min(1),
  email: Email,
  displayName: DisplayName,
  password: NewPassword,
})
export type CompleteSetupInput = z.infer<typeof CompleteSetupInput>

export const UpdateUserAccessInput = z.object({
  userId: id('user'),
  role: z.enum(roles, { error: 'Choose a role: member, support, engineer or admin.' }),
  // '' in the form means "no organisation".
  organisationId: optionalId('organisation'),
})
export type UpdateUserAccessInput = z.infer<typeof UpdateUserAccessInput>

// Typed as dollars ("1,250.50"), stored as cents; empty means 0.
const Mrr = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim().replace(/[,$\s]/g, '') || '0' : (value ?? '0')),
  z
    .string({ error: 'MRR must be an amount like 1200 or 1200.50, not negative.' })
    .regex(/^\d{1,9}(\.\d{1,2})?$/, { error: 'MRR must be an amount like 1200 or 1200.50, not negative.' })
    .transform((value) => Math.round(Number(value) * 100)),
)

export const OrganisationInput = z.object({
  name: text('Name', { min: 2, max: 100, singleLine: true }),
  plan: z.enum(plans, { error: 'Choose a plan: free, startup, paid or enterprise.' }),
  mrr: Mrr,
  isPriority: z.preprocess((value) => value === '1' || value === 'on' || value === true, z.boolean()),
  isTrial: z.preprocess((value) => value === '1' || value === 'on' || value === true, z.boolean()),
})
export type OrganisationInput = z.infer<typeof OrganisationInput>

export const UpdateOrganisationInput = OrganisationInput.extend({ organisationId: id('organisation') })

export const UserSearch = z.object({
  q: optionalText('Search', { max: 200, singleLine: true }).catch(''),
})

/** A token from an account link (reset, verify, change of address); its shape is all we check here. */
const LinkToken = z.string().min(1, { error: 'This link is incomplete.' }).max(100, { error: 'This link is not valid.' })

const CurrentPassword = z
  .string({ error: 'Enter your current password.' })
  .min(1, { error: 'Enter your current password.' })
  .max(256, { error: 'That is not your current password.' })

export const RequestPasswordResetInput = z.object({
  email: Email,
  clientIp: z.string().default('unknown'),
})
export type RequestPasswordResetInput = z.infer<typeof RequestPasswordResetInput>

export const ResetPasswordInput = z.object({ token: LinkToken, password: NewPassword })
export type ResetPasswordInput = z.infer<typeof ResetPasswordInput>

export const AccountLinkInput = z.object({ token: LinkToken })
export type AccountLinkInput = z.infer<typeof AccountLinkInput>

export const RequestEmailChangeInput = z.object({ newEmail: Email, currentPassword: CurrentPassword })
export type RequestEmailChangeInput = z.infer<typeof RequestEmailChangeInput>

export const ChangePasswordInput = z.object({ currentPassword: CurrentPassword, newPassword: NewPassword })
export type ChangePasswordInput = z.infer<typeof ChangePasswordInput>
