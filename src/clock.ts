/** Where time comes from. Domain code reads `ctx.now()`; tests hand in a clock they move. */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that stands still until told to move: for tests and reproducible seeds. */
export function manualClock(start: Date | string): Clock & { set(at: Date | string): void; advance(ms: number): void } {
  let current = new Date(start)
  return {
    now: () => new Date(current),
    set(at) {
      current = new Date(at)
    },
    advance(ms) {
      current = new Date(current.getTime() + ms)
    },
  }
}
