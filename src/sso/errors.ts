import { ForbiddenError } from '../errors'

/**
 * A sign-in through a provider that did not complete: a forged or replayed answer, the
 * provider's refusal, an address that may not be linked. The message says what to do next.
 */
export class SsoSignInRefused extends ForbiddenError {}
