// Small progressive enhancements. Every page works without this file.

// A reply posted through htmx lands at the end of the list: bring it into view.
document.addEventListener('htmx:afterSettle', (event) => {
  const target = event.detail.target
  if (target && target.id === 'reply-list' && target.lastElementChild) {
    target.lastElementChild.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }
})

// The support board is keyboard friendly: j/k move between items, Enter opens one,
// a assigns it to you, e opens its escalation form. Typing in a field is never intercepted.
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return
  const target = event.target
  if (target instanceof HTMLElement && target.closest('input, textarea, select, [contenteditable]')) return
  const rows = Array.from(document.querySelectorAll('table.board tr[data-item]'))
  if (rows.length === 0) return
  const current = document.activeElement instanceof HTMLElement ? document.activeElement.closest('tr[data-item]') : null
  const index = current ? rows.indexOf(current) : -1
  const select = (row) => {
    rows.forEach((other) => other.classList.remove('is-selected'))
    row.classList.add('is-selected')
    row.focus()
  }
  if (event.key === 'j') {
    select(rows[Math.min(rows.length - 1, index + 1)])
    event.preventDefault()
  } else if (event.key === 'k') {
    select(rows[Math.max(0, index - 1)])
    event.preventDefault()
  } else if (current && event.key === 'Enter') {
    window.location.href = `/queue/items/${current.dataset.item}`
  } else if (current && event.key === 'e') {
    window.location.href = `/queue/items/${current.dataset.item}#escalate`
  } else if (current && event.key === 'a') {
    const token = JSON.parse(document.body.getAttribute('hx-headers') || '{}')['X-CSRF-Token']
    const form = document.createElement('form')
    form.method = 'post'
    form.action = `/queue/items/${current.dataset.item}/assign`
    for (const [name, value] of [['_csrf', token], ['assigneeId', 'me'], ['back', 'board']]) {
      const input = document.createElement('input')
      input.type = 'hidden'
      input.name = name
      input.value = value
      form.appendChild(input)
    }
    document.body.appendChild(form)
    form.submit()
  }
})

// A link to #escalate (the board's "e" key, a teammate's link) opens the collapsed escalate form.
function openTargetDetails() {
  const target = window.location.hash ? document.getElementById(window.location.hash.slice(1)) : null
  const details = target?.closest('details')
  if (details && !details.open) {
    details.open = true
    target.scrollIntoView()
  }
}
window.addEventListener('hashchange', openTargetDetails)
openTargetDetails()
