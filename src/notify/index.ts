// Who hears about what, and the in-app notices they get. Other domains tell notify/ what
// happened; they do not pick recipients for thread events themselves.
export { enqueueThreadEvent, notifyHandlers } from './handlers'
export { markNotificationsRead } from './mark-notifications-read'
export { notifyCustomers, notifyStaff, type CustomerNotice } from './notify-people'
export { countUnreadNotifications, listNotifications } from './queries'
