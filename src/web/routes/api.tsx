import { createApiDocsRoutes, createApiRoutes } from '../api'

// The JSON API (/api/v1) and its reference (/api/docs); see src/web/api/. Requests authenticate
// with a bearer token, or with the session cookie plus the CSRF header (checked there, since
// src/web/csrf.ts leaves /api/ alone).

export const apiRoutes = createApiRoutes()
export const apiDocsRoutes = createApiDocsRoutes(apiRoutes)
