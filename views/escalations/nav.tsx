import { Tabs } from '../components'

/** The engineering pages' own tabs, under the queue's. */
export function EngineeringNav({ current, team }: { current: 'mine' | 'handoffs' | 'sync' | 'fairness'; team?: string }) {
  const query = team ? `?team=${encodeURIComponent(team)}` : ''
  return (
    <Tabs
      label="Engineering sections"
      class="subtabs"
      current={current}
      links={[
        ['mine', '/escalations/mine', 'My escalations'],
        ['handoffs', `/handoffs${query}`, 'Handoffs'],
        ['sync', `/sync${query}`, 'Daily sync'],
        ['fairness', `/fairness${query}`, 'Load & fairness'],
      ]}
    />
  )
}
