import type { FC } from 'hono/jsx'

// The API reference, rendered on the server from the OpenAPI document itself, so it can never
// drift from what the routes validate. Plain HTML: no script, no CDN (the CSP allows neither).

type Schema = Record<string, unknown>
type Doc = {
  info: { title: string; version: string; description?: string }
  servers?: { url: string }[]
  paths?: Record<string, Record<string, Operation>>
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Schema> }
}
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema }
type Operation = {
  summary?: string
  description?: string
  tags?: string[]
  security?: Record<string, string[]>[]
  parameters?: Parameter[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete']

function resolve(doc: Doc, schema: Schema | undefined): Schema {
  const ref = schema?.$ref
  if (typeof ref === 'string') return doc.components?.schemas?.[ref.replace('#/components/schemas/', '')] ?? {}
  return schema ?? {}
}

/** A made-up instance of `schema`: its examples where given, plausible values elsewhere. */
export function exampleOf(doc: Doc, input: Schema | undefined, depth = 0): unknown {
  const schema = resolve(doc, input)
  if (depth > 8) return null
  if ('example' in schema) return schema.example
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
  if (variants?.length) return exampleOf(doc, variants.find((v) => v.type !== 'null') ?? variants[0], depth + 1)
  if (Array.isArray(schema.enum)) return schema.enum[0]
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  if (type === 'object' || schema.properties) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>
    return Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, exampleOf(doc, sub, depth + 1)]))
  }
  if (type === 'array') return [exampleOf(doc, schema.items as Schema, depth + 1)]
  if (type === 'integer' || type === 'number') return 1
  if (type === 'boolean') return true
  if (schema.format === 'date-time') return '2026-03-02T10:00:00.000Z'
  if (schema.format === 'uri') return 'https://forum.example/t/1/example'
  return 'string'
}

function typeName(doc: Doc, input: Schema | undefined): string {
  const ref = input?.$ref
  if (typeof ref === 'string') return ref.replace('#/components/schemas/', '')
  const schema = input ?? {}
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(' | ')
  const variants = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined
  if (variants) return variants.map((v) => typeName(doc, v)).join(' | ')
  if (Array.isArray(schema.type)) return schema.type.join(' | ')
  if (schema.type === 'array') return `${typeName(doc, schema.items as Schema)}[]`
  return String(schema.type ?? 'any') + (schema.format ? ` (${String(schema.format)})` : '')
}

const Json: FC<{ value: unknown }> = ({ value }) => (
  <pre>
    <code>{JSON.stringify(value, null, 2)}</code>
  </pre>
)

const SchemaFields: FC<{ doc: Doc; schema: Schema | undefined }> = ({ doc, schema }) => {
  const resolved = resolve(doc, schema)
  const properties = (resolved.properties ?? {}) as Record<string, Schema>
  const required = new Set((resolved.required ?? []) as string[])
  const ref = typeof schema?.$ref === 'string' ? schema.$ref.replace('#/components/schemas/', '') : null
  return (
    <>
      {ref && (
        <p>
          Schema: <a href={`#schema-${ref}`}>{ref}</a>
        </p>
      )}
      {Object.keys(properties).length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Field</th>
              <th>Type</th>
              <th>Required</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(properties).map(([name, sub]) => (
              <tr>
                <td>
                  <code>{name}</code>
                </td>
                <td>{typeName(doc, sub)}</td>
                <td>{required.has(name) ? 'yes' : 'no'}</td>
                <td>{String(resolve(doc, sub).description ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}

const OperationView: FC<{ doc: Doc; method: string; path: string; op: Operation }> = ({ doc, method, path, op }) => {
  const body = op.requestBody?.content?.['application/json']?.schema
  return (
    <section id={`${method}-${path}`}>
      <h3>
        <code>
          {method.toUpperCase()} /api/v1{path}
        </code>
      </h3>
      <p>
        <strong>{op.summary}</strong>
      </p>
      {op.description && <p>{op.description}</p>}
      <p>
        Authentication:{' '}
        {(op.security ?? []).map((requirement) => Object.keys(requirement)[0] ?? 'none (public)').join(', ') || 'none'}
      </p>
      {op.parameters && op.parameters.length > 0 && (
        <>
          <h4>Parameters</h4>
          <table>
            <thead>
              <tr>
                <th>Name</th>
                <th>In</th>
                <th>Type</th>
                <th>Required</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {op.parameters.map((p) => (
                <tr>
                  <td>
                    <code>{p.name}</code>
                  </td>
                  <td>{p.in}</td>
                  <td>{typeName(doc, p.schema)}</td>
                  <td>{p.required ? 'yes' : 'no'}</td>
                  <td>{p.description ?? String(p.schema?.description ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {body && (
        <>
          <h4>Request body (application/json)</h4>
          <SchemaFields doc={doc} schema={body} />
          <p>Example:</p>
          <Json value={exampleOf(doc, body)} />
        </>
      )}
      <h4>Responses</h4>
      {Object.entries(op.responses ?? {}).map(([status, response]) => (
        <details open={status.startsWith('2')}>
          <summary>
            <code>{status}</code> {response.description}
          </summary>
          {Object.entries(response.content ?? {}).map(([type, content]) => (
            <>
              <p>
                <code>{type}</code>
              </p>
              <SchemaFields doc={doc} schema={content.schema} />
              <Json value={exampleOf(doc, content.schema)} />
            </>
          ))}
        </details>
      ))}
    </section>
  )
}

export const ApiReference: FC<{ doc: Doc; stylesheet: string; guide: string[] }> = ({ doc, stylesheet, guide }) => {
  const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => ({ path, method, op: item[method]! })),
  )
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{doc.info.title} reference</title>
        <link rel="stylesheet" href={stylesheet} />
      </head>
      <body>
        <main class="container">
          <h1>
            {doc.info.title} <small>v{doc.info.version}</small>
          </h1>
          <p>
            Base URL: <code>{doc.servers?.[0]?.url}</code>. Machine-readable document: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1).
          </p>
          {guide.map((paragraph) => (
            <p>{paragraph}</p>
          ))}
          <nav>
            <h2>Operations</h2>
            <ul>
              {operations.map(({ path, method, op }) => (
                <li>
                  <a href={`#${method}-${path}`}>
                    <code>
                      {method.toUpperCase()} {path}
                    </code>
                  </a>{' '}
                  {op.summary}
                </li>
              ))}
            </ul>
          </nav>
          {operations.map(({ path, method, op }) => (
            <OperationView doc={doc} method={method} path={path} op={op} />
          ))}
          <h2>Schemas</h2>
          {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
            <section id={`schema-${name}`}>
              <h3>{name}</h3>
              {typeof schema.description === 'string' && <p>{schema.description}</p>}
              <SchemaFields doc={doc} schema={schema} />
              <Json value={schema} />
            </section>
          ))}
        </main>
      </body>
    </html>
  )
}
