// Small progressive enhancements. Every page works without this file.

// A reply posted through htmx lands at the end of the list: bring it into view.
document.addEventListener('htmx:afterSettle', (event) => {
  const target = event.detail.target
  if (target && target.id === 'reply-list' && target.lastElementChild) {
    target.lastElementChild.scrollIntoView({ block: 'nearest', behavior: 'smooth' })
  }
})
