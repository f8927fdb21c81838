import type { SimilarQuestions } from '../../src/search'
import { plural } from '../format'
import { resultHref } from './search'

/**
 * "Has this been asked already?" while a question is being written. Links open in a new tab
 * so the draft is never lost.
 */
export function SimilarQuestionsList({ similar }: { similar: SimilarQuestions | null }) {
  if (!similar || similar.items.length === 0)
    return <p class="muted similar-empty">Similar questions appear here as you type your title.</p>
  return (
    <>
      <h2 class="similar-heading">Maybe already answered</h2>
      <ul class="similar-list">
        {similar.items.map(({ thread }) => (
          <li class={thread.solved ? 'is-solved' : undefined}>
            <a href={resultHref(thread, similar.eventId)} target="_blank" rel="noopener">
              {thread.title}
            </a>{' '}
            {thread.solved ? <span class="solved-badge">✓ Solved</span> : <small class="muted">{plural(thread.replyCount, 'reply', 'replies')}</small>}
            {thread.acceptedExcerpt && <p class="accepted-excerpt">{thread.acceptedExcerpt}</p>}
          </li>
        ))}
      </ul>
    </>
  )
}
