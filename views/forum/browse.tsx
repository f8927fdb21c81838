import type { Category } from '../../src/db/schema'
import type { UserProfile } from '../../src/forum/queries'
import { RoleBadge } from '../components'
import { formatDate, plural, tagPath } from '../format'
import { Layout, type Chrome } from '../layout'
import { ThreadRow } from './thread-list'

export function TagsPage({ chrome, tags }: { chrome: Chrome; tags: { name: string; count: number }[] }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Tags', canonical: `${chrome.publicUrl}/tags` }}>
      <h1>Tags</h1>
      {tags.length === 0 ? (
        <p class="empty">No tags yet.</p>
      ) : (
        <ul class="tag-cloud">
          {tags.map((tag) => (
            <li>
              <a href={tagPath(tag.name)} class="tag">
                {tag.name}
              </a>{' '}
              <small>× {tag.count}</small>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  )
}

export function CategoriesPage({ chrome, categories }: { chrome: Chrome; categories: Category[] }) {
  return (
    <Layout chrome={chrome} meta={{ title: 'Categories', canonical: `${chrome.publicUrl}/categories` }}>
      <h1>Categories</h1>
      <div class="card-grid">
        {categories.map((category) => (
          <article>
            <h2>
              <a href={`/c/${category.slug}`}>{category.name}</a>
            </h2>
            <p>{category.description}</p>
          </article>
        ))}
      </div>
    </Layout>
  )
}

export function ProfilePage({ chrome, profile, isLaterPage }: { chrome: Chrome; profile: UserProfile; isLaterPage: boolean }) {
  const { user } = profile
  return (
    <Layout chrome={chrome} meta={{ title: user.displayName, canonical: `${chrome.publicUrl}/u/${user.id}` }}>
      <hgroup>
        <h1>
          {user.displayName} <RoleBadge role={user.role} />
        </h1>
        <p>Member since {formatDate(user.createdAt)}</p>
      </hgroup>
      <ul class="profile-stats">
        <li>{plural(profile.threadCount, 'question')}</li>
        <li>{plural(profile.replyCount, 'reply', 'replies')}</li>
        <li>{plural(profile.solutionCount, 'accepted solution')}</li>
      </ul>
      <h2>Questions</h2>
      {profile.threads.items.length === 0 ? (
        <p class="empty">{isLaterPage ? 'No more questions.' : 'No questions yet.'}</p>
      ) : (
        <ol class="thread-list">
          {profile.threads.items.map((item) => (
            <li>
              <ThreadRow item={item} now={chrome.now} />
            </li>
          ))}
        </ol>
      )}
      {profile.threads.nextCursor && (
        <nav class="pager" aria-label="Pages">
          <a href={`/u/${user.id}?before=${encodeURIComponent(profile.threads.nextCursor)}`} rel="next">
            Older questions →
          </a>
        </nav>
      )}
    </Layout>
  )
}
