/** The engineering pages' own tabs, under the queue's. */
export function EngineeringNav({ current, team }: { current: 'mine' | 'handoffs' | 'sync' | 'fairness'; team?: string }) {
  const query = team ? `?team=${encodeURIComponent(team)}` : ''
  const link = (key: typeof current, href: string, label: string) => (
    <li>
      <a href={href} aria-current={key === current ? 'page' : undefined}>
        {label}
      </a>
    </li>
  )
  return (
    <nav aria-label="Engineering sections" class="tabs subtabs">
      <ul>
        {link('mine', '/escalations/mine', 'My escalations')}
        {link('handoffs', `/handoffs${query}`, 'Handoffs')}
        {link('sync', `/sync${query}`, 'Daily sync')}
        {link('fairness', `/fairness${query}`, 'Load & fairness')}
      </ul>
    </nav>
  )
}
