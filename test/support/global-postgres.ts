import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { openPostgres } from '../../src/db/client'
import { startPostgresCluster, type PostgresCluster } from './postgres-cluster'

// Real PostgreSQL: a throwaway server (or TEST_DATABASE_URL's), one migrated template
// database, and each test file gets its own copy made with CREATE DATABASE ... TEMPLATE.

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string
    postgresTemplate: string
  }
}

export default async function setup(project: TestProject) {
  let cluster: PostgresCluster | null = null
  let adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) {
    cluster = await startPostgresCluster()
    adminUrl = cluster.url
  }
  const template = `wire_template_${process.pid}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`drop database if exists ${template}`)
  await admin.unsafe(`create database ${template}`)
  const templateUrl = new URL(adminUrl)
  templateUrl.pathname = `/${template}`
  const database = openPostgres(templateUrl.toString(), { poolSize: 1 })
  await database.migrate()
  await database.close()
  project.provide('postgresUrl', adminUrl)
  project.provide('postgresTemplate', template)
  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`).catch(() => {})
    await admin.end()
    cluster?.stop()
  }
}
