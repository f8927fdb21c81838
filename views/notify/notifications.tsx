import { CsrfField, RelativeTime } from '../components'
import { threadPath } from '../format'
import { Layout, type Chrome } from '../layout'
import { QueueNav } from '../queue/board'

export function NotificationsPage(props: {
  chrome: Chrome
  notifications: { id: number; kind: string; itemId: number | null; thread: { id: number; slug: string } | null; message: string; createdAt: Date; readAt: Date | null }[]
}) {
  const staff = props.chrome.viewer !== null && props.chrome.viewer.role !== 'member'
  const unread = props.notifications.some((notification) => !notification.readAt)
  return (
    <Layout chrome={props.chrome} meta={{ title: 'Notifications', noindex: true }}>
      {staff && <QueueNav current="notifications" />}
      <h1>Notifications</h1>
      {unread && (
        <form method="post" action="/notifications/read" class="inline-form">
          <CsrfField token={props.chrome.csrfToken} />
          <button type="submit" class="small outline">
            Mark all as read
          </button>
        </form>
      )}
      <ul class="notification-list">
        {props.notifications.map((notification) => {
          const href =
            staff && notification.itemId
              ? `/queue/items/${notification.itemId}`
              : notification.thread
                ? threadPath(notification.thread)
                : staff && notification.kind === 'review_waiting'
                  ? '/review'
                  : null
          return (
            <li class={notification.readAt ? 'read' : 'unread'}>
              <RelativeTime at={notification.createdAt} now={props.chrome.now} />: {href ? <a href={href}>{notification.message}</a> : notification.message}
            </li>
          )
        })}
      </ul>
      {props.notifications.length === 0 && <p class="empty">No notifications.</p>}
    </Layout>
  )
}
