import type { SetupChecklist, SetupChecklistKey } from '../../src/setup/queries'

const STEPS: Record<SetupChecklistKey, { title: string; text: string; links: [href: string, label: string][] }> = {
  categories: {
    title: 'Categories and teams',
    text: 'Add categories of your own and route each to a support team, or give the default “support” team its members.',
    links: [
      ['/admin/categories', 'Categories'],
      ['/queue/settings/teams', 'Teams'],
    ],
  },
  sla: {
    title: 'SLA policies',
    text: 'Response and resolution targets per plan, severity or kind, in business hours.',
    links: [['/queue/settings/sla', 'SLA policies']],
  },
  rotation: {
    title: 'An engineering rotation',
    text: 'Who is on call for escalations, shift by shift.',
    links: [['/rotations/new', 'New rotation']],
  },
  staff: {
    title: 'Invite staff',
    text: 'People who sign up are members; give your support staff and engineers their role.',
    links: [['/admin/users', 'People']],
  },
}

/** The first-run checklist an admin sees until every step is done; then it is gone. */
export function SetupChecklistPanel({ checklist }: { checklist: SetupChecklist | null | undefined }) {
  if (!checklist || checklist.complete) return null
  const left = checklist.items.filter((item) => !item.done).length
  return (
    <section class="setup-checklist" aria-labelledby="setup-checklist-heading">
      <article>
        <header>
          <hgroup>
            <h2 id="setup-checklist-heading">Set up your forum</h2>
            <p>
              {left} of {checklist.items.length} steps left. This list goes away when they are all done.
            </p>
          </hgroup>
        </header>
        <ul>
          {checklist.items.map((item) => {
            const step = STEPS[item.key]
            return (
              <li class={item.done ? 'done' : undefined} data-step={item.key}>
                <span class="visually-hidden">{item.done ? 'Done: ' : 'To do: '}</span>
                <strong>{step.title}</strong>: {step.text}{' '}
                {step.links.map(([href, label], index) => (
                  <>
                    {index > 0 && ' · '}
                    <a href={href}>{label}</a>
                  </>
                ))}
              </li>
            )
          })}
        </ul>
      </article>
    </section>
  )
}
