export { addOverride } from './add-override'
export { addUnavailability } from './add-unavailability'
export { answerSwap } from './answer-swap'
export { cancelSwap } from './cancel-swap'
export { removeOverride } from './remove-override'
export { removeUnavailability } from './remove-unavailability'
export { replanNow } from './replan-now'
export { requestSwap } from './request-swap'
export { skipShift } from './skip-shift'
export { swapShifts } from './swap-shifts'
export { planShifts, slotsBetween, type RotationRules } from './plan-shifts'
export { replanRotation } from './replan'
export { ROTATION_CONFIG } from './rotation-config'
export { saveRotation } from './save-rotation'
export { nextOnRotation, whoIsOnRotation, whoIsOnRotations, type OnRotation } from './who-is-on'
export { rotationHandlers, runRotationTick, scheduleRotationTick } from './rotation-tick'
export { issueFeedToken } from './issue-feed-token'
export {
  getOnRotationNow,
  getPersonFeed,
  getRotationChoices,
  getRotationFeed,
  getRotationPage,
  getRotationShifts,
  SHIFT_RANGE_MAX_DAYS,
  getRotationsOverview,
  type AwayView,
  type FeedData,
  type MyShift,
  type OnRotationNow,
  type OverrideView,
  type PersonRef,
  type RotationPage,
  type RotationShifts,
  type RotationsOverview,
  type RotationSummary,
  type ShiftRef,
  type SwapView,
  type TeamRotation,
} from './queries'
export type { CalendarDay, CalendarEntry, Segment } from './timeline'
