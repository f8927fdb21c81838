// Teams are where the queue routes items and what a rotation belongs to. Both read them from
// here, so neither needs the other for it (the queue shows who is on rotation; rotations must
// not depend on the queue).
export { knownTeamSlugs } from './known-team-slugs'
export { firstTeamOf } from './first-team-of'
