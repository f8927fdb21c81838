import type { Db } from './client'

/**
 * A statement prepared once per database handle. Hot read paths (a thread page, a session
 * lookup) use these so Drizzle builds the SQL once and PostgreSQL parses and plans it once
 * per connection instead of on every request.
 */
export function preparedPerDb<Statement>(build: (db: Db) => Statement): (db: Db) => Statement {
  const statements = new WeakMap<Db, Statement>()
  return (db) => {
    let statement = statements.get(db)
    if (!statement) statements.set(db, (statement = build(db)))
    return statement
  }
}
