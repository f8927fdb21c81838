import { defineConfig } from 'drizzle-kit'

// drizzle-kit only generates SQL here; migrations are applied by the app at start
// (src/db/migrate.ts), on PostgreSQL and PGlite alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './migrations',
})
