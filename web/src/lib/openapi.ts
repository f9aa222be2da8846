// Reading an OpenAPI 3.1 document at run time (the explorer's catalogue): operations, their URLs,
// body skeletons from schemas and a light check of a JSON value against a schema.
// These describe the *document format*, not rubbie's API (whose types come from `paths`).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface Schema {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, Schema>
  required?: string[]
  items?: Schema
  additionalProperties?: boolean | Schema
  enum?: Json[]
  const?: Json
  oneOf?: Schema[]
  anyOf?: Schema[]
  allOf?: Schema[]
  example?: Json
  examples?: Json[]
  default?: Json
  format?: string
  description?: string
}

export interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  description?: string
  required?: boolean
  schema?: Schema
  example?: Json
}

interface Server {
  url: string
  variables?: Record<string, { default: string }>
}

interface MediaType {
  schema?: Schema
  example?: Json
}

interface OperationObject {
  tags?: string[]
  summary?: string
  description?: string
  operationId?: string
  parameters?: (Parameter | { $ref: string })[]
  requestBody?: { content?: Record<string, MediaType>; required?: boolean }
  servers?: Server[]
}

export interface OpenApiDoc {
  openapi?: string
  info?: { title?: string; version?: string }
  servers?: Server[]
  paths?: Record<string, Record<string, unknown>>
  components?: { schemas?: Record<string, Schema>; parameters?: Record<string, Parameter> }
  tags?: { name: string; description?: string }[]
}

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const
/** An HTTP method the explorer sends (and the API stores in history and saved requests). */
export type HttpMethod = (typeof METHODS)[number]

/** One operation of the catalogue, with everything the request builder needs. */
export interface Operation {
  /** `GET /api/v1/tables` — unique in a document. */
  id: string
  method: HttpMethod
  /** The path as written in the document (`/api/v1/tables/{table}`). */
  path: string
  tag: string
  summary: string
  /** Server prefix that applies to this path (`/admin`, `` for the origin's root, or an absolute URL). */
  server: string
  parameters: Parameter[]
  /** JSON request body schema / example, when the operation takes one. */
  body: { schema: Schema | null; example: Json | undefined; required: boolean } | null
}

/**
 * Where a server URL points, as a prefix to put before a path: same-origin URLs become their path
 * without a trailing slash (`/admin`, `/` → ``), others stay absolute. Relative URLs resolve
 * against the document's own URL, as OpenAPI says.
 */
export function serverPrefix(server: Server | undefined, docUrl: string, fallback: string): string {
  if (!server) return fallback
  let url = server.url
  for (const [name, v] of Object.entries(server.variables ?? {})) url = url.replaceAll(`{${name}}`, v.default)
  const resolved = new URL(url, docUrl)
  const base = new URL(docUrl)
  const out = resolved.origin === base.origin ? resolved.pathname : resolved.origin + resolved.pathname
  return out.replace(/\/+$/, '')
}

function deref<T>(doc: OpenApiDoc, v: T | { $ref: string }): T | null {
  if (v && typeof v === 'object' && '$ref' in v && typeof v.$ref === 'string') {
    const target = lookup(doc, v.$ref)
    return (target as T | undefined) ?? null
  }
  return v as T
}

function lookup(doc: OpenApiDoc, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = doc
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (!node || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** Follow `$ref`s (into `components.schemas` or anywhere in the document) until a schema. */
export function resolveSchema(doc: OpenApiDoc, schema: Schema | undefined | null): Schema | null {
  let s = schema ?? null
  for (let i = 0; s?.$ref && i < 32; i++) {
    const target = lookup(doc, s.$ref) as Schema | undefined
    if (!target) return null
    // Sibling keywords next to $ref (3.1) override the target's (description etc.).
    const { $ref: _ignored, ...rest } = s
    s = { ...target, ...rest }
    if (!target.$ref) delete s.$ref
  }
  return s
}

/** Every operation of the document, in document order. */
export function listOperations(doc: OpenApiDoc, docUrl: string, fallbackServer: string): Operation[] {
  const docServer = serverPrefix(doc.servers?.[0], docUrl, fallbackServer)
  const out: Operation[] = []
  for (const [path, rawItem] of Object.entries(doc.paths ?? {})) {
    const item = rawItem as Record<string, unknown> & { servers?: Server[]; parameters?: OperationObject['parameters'] }
    const itemServer = item.servers?.[0] ? serverPrefix(item.servers[0], docUrl, docServer) : docServer
    for (const method of METHODS) {
      const op = item[method.toLowerCase()] as OperationObject | undefined
      if (!op) continue
      const server = op.servers?.[0] ? serverPrefix(op.servers[0], docUrl, itemServer) : itemServer
      // Operation parameters override path-item ones with the same name+in.
      const params = new Map<string, Parameter>()
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
        const param = deref<Parameter>(doc, p)
        if (param) params.set(`${param.in}:${param.name}`, param)
      }
      let body: Operation['body'] = null
      const content = op.requestBody?.content
      if (content) {
        const key = Object.keys(content).find((k) => k.includes('json')) ?? Object.keys(content)[0]
        const media = key ? content[key] : undefined
        if (media) body = { schema: media.schema ?? null, example: media.example, required: !!op.requestBody?.required }
      }
      out.push({
        id: `${method} ${path}`,
        method,
        path,
        tag: op.tags?.[0] ?? 'default',
        summary: op.summary ?? op.description?.split('\n')[0] ?? '',
        server,
        parameters: [...params.values()],
        body,
      })
    }
  }
  return out
}

/** Operations grouped by their first tag, groups in the order of the document's `tags`. */
export function groupByTag(doc: OpenApiDoc, ops: Operation[]): { tag: string; description: string; ops: Operation[] }[] {
  const groups = new Map<string, Operation[]>()
  for (const t of doc.tags ?? []) groups.set(t.name, [])
  for (const op of ops) {
    const list = groups.get(op.tag) ?? []
    list.push(op)
    groups.set(op.tag, list)
  }
  const desc = new Map((doc.tags ?? []).map((t) => [t.name, t.description ?? '']))
  return [...groups.entries()]
    .filter(([, list]) => list.length > 0)
    .map(([tag, list]) => ({ tag, description: desc.get(tag) ?? '', ops: list }))
}

/** Catalogue search: every word must appear in the method, path, summary or tag. */
export function searchOperations(ops: Operation[], query: string): Operation[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean)
  if (words.length === 0) return ops
  return ops.filter((op) => {
    const hay = `${op.method} ${op.path} ${op.server}${op.path} ${op.summary} ${op.tag}`.toLowerCase()
    return words.every((w) => hay.includes(w))
  })
}

/** A name/value row of the builder (query parameters, headers). */
export interface KeyValue {
  name: string
  value: string
  enabled: boolean
}

/** `{name}` placeholders of a path template, in order. */
export function pathParamNames(template: string): string[] {
  return [...template.matchAll(/\{([^}/]+)\}/g)].map((m) => m[1] ?? '')
}

/**
 * The URL to request: the template with its `{params}` substituted (URL-encoded; empty ones stay
 * as `{name}`) and the enabled, named query rows appended.
 */
export function buildUrl(template: string, pathParams: Record<string, string>, query: KeyValue[]): string {
  const path = template.replace(/\{([^}/]+)\}/g, (whole, name: string) => {
    const v = pathParams[name]
    return v ? encodeURIComponent(v) : whole
  })
  const search = new URLSearchParams()
  for (const q of query) if (q.enabled && q.name) search.append(q.name, q.value)
  const qs = search.toString()
  if (!qs) return path
  return path + (path.includes('?') ? '&' : '?') + qs
}

/** Split a concrete URL back into its path and query rows (loading history, deep links). */
export function splitUrl(url: string): { path: string; query: KeyValue[] } {
  const i = url.indexOf('?')
  if (i < 0) return { path: url, query: [] }
  const query: KeyValue[] = []
  for (const [name, value] of new URLSearchParams(url.slice(i + 1))) query.push({ name, value, enabled: true })
  return { path: url.slice(0, i), query }
}

/** The builder's starting point for an operation. */
export function operationDraft(doc: OpenApiDoc, op: Operation): {
  path: string
  pathParams: Record<string, string>
  query: KeyValue[]
  body: string
} {
  const pathParams: Record<string, string> = {}
  for (const name of pathParamNames(op.path)) pathParams[name] = ''
  const query: KeyValue[] = []
  for (const p of op.parameters) {
    if (p.in === 'path') {
      const ex = p.example ?? resolveSchema(doc, p.schema)?.example
      if (ex !== undefined && ex !== null) pathParams[p.name] = String(ex)
    } else if (p.in === 'query') {
      const ex = p.example ?? resolveSchema(doc, p.schema)?.example
      query.push({ name: p.name, value: ex === undefined || ex === null ? '' : String(ex), enabled: !!p.required })
    }
  }
  let body = ''
  if (op.body) {
    const value = op.body.example !== undefined ? op.body.example : skeleton(doc, op.body.schema)
    body = JSON.stringify(value, null, 2)
  }
  return { path: op.server + op.path, pathParams, query, body }
}

function types(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type
  return s.type ? [s.type] : []
}

/**
 * An example value for a schema: its example/default if any, otherwise a skeleton from the types
 * (objects get every property, `$ref`s are followed, recursion stops at a cycle or depth 8).
 */
export function skeleton(doc: OpenApiDoc, schema: Schema | null | undefined, seen: string[] = []): Json {
  if (!schema) return {}
  if (schema.$ref) {
    if (seen.includes(schema.$ref) || seen.length > 8) return null
    return skeleton(doc, resolveSchema(doc, schema), [...seen, schema.$ref])
  }
  if (schema.example !== undefined) return schema.example
  if (schema.examples?.length) return schema.examples[0] as Json
  if (schema.default !== undefined) return schema.default
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum.find((v) => v !== null) ?? null
  if (schema.allOf?.length) {
    const merged: Record<string, Json> = {}
    for (const part of schema.allOf) {
      const v = skeleton(doc, part, seen)
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(merged, v)
    }
    return merged
  }
  const alts = schema.oneOf ?? schema.anyOf
  if (alts?.length) {
    const pick = alts.find((a) => !(types(a).length === 1 && types(a)[0] === 'null')) ?? alts[0]
    return skeleton(doc, pick, seen)
  }
  const t = types(schema).find((x) => x !== 'null') ?? (schema.properties ? 'object' : types(schema)[0])
  switch (t) {
    case 'string':
      return schema.format === 'date-time' ? new Date(0).toISOString() : ''
    case 'integer':
    case 'number':
      return 0
    case 'boolean':
      return false
    case 'array':
      return []
    case 'null':
      return null
    case 'object': {
      const out: Record<string, Json> = {}
      for (const [k, v] of Object.entries(schema.properties ?? {})) out[k] = skeleton(doc, v, seen)
      return out
    }
    default:
      return {}
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

function matchesType(v: unknown, allowed: string[]): boolean {
  const t = typeOf(v)
  return allowed.some((a) => a === t || (a === 'number' && t === 'integer'))
}

/**
 * A light check of a value against a schema: required properties, types, enums; follows `$ref`,
 * `allOf`, `oneOf`/`anyOf` (one branch must pass), properties and array items. Returns messages
 * like `body.name: required property is missing` (empty when nothing was found).
 */
export function checkSchema(doc: OpenApiDoc, schema: Schema | null | undefined, value: unknown, at = 'body', depth = 0): string[] {
  const s = resolveSchema(doc, schema)
  if (!s || depth > 16) return []
  const out: string[] = []
  for (const part of s.allOf ?? []) out.push(...checkSchema(doc, part, value, at, depth + 1))
  const alts = s.oneOf ?? s.anyOf
  if (alts?.length) {
    const results = alts.map((a) => checkSchema(doc, a, value, at, depth + 1))
    if (!results.some((r) => r.length === 0)) {
      out.push(...(results.length === 1 ? results[0]! : [`${at}: does not match any allowed shape`]))
    }
  }
  const allowed = types(s)
  if (allowed.length && !matchesType(value, allowed)) {
    out.push(`${at}: expected ${allowed.join(' or ')}, got ${typeOf(value)}`)
    return out
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push(`${at}: must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`)
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>
    for (const r of s.required ?? []) if (!(r in obj)) out.push(`${at}.${r}: required property is missing`)
    for (const [k, v] of Object.entries(obj)) {
      const ps = s.properties?.[k]
      if (ps) out.push(...checkSchema(doc, ps, v, `${at}.${k}`, depth + 1))
      else if (s.additionalProperties === false) out.push(`${at}.${k}: unknown property`)
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
        out.push(...checkSchema(doc, s.additionalProperties, v, `${at}.${k}`, depth + 1))
      }
    }
  }
  if (Array.isArray(value) && s.items) {
    value.slice(0, 100).forEach((v, i) => out.push(...checkSchema(doc, s.items, v, `${at}[${i}]`, depth + 1)))
  }
  return out
}

/** `null` when the text is valid JSON (or empty), else the parser's message. */
export function jsonSyntaxError(text: string): string | null {
  if (!text.trim()) return null
  try {
    JSON.parse(text)
    return null
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/**
 * The operation a request is for: the same method and the same path template (as the catalogue
 * fills it in), or a concrete path matching the template (`/admin/api/v1/tables/customers`).
 */
export function matchOperation(ops: Operation[], method: string, path: string): Operation | null {
  const candidates = ops.filter((op) => op.method === method)
  const exact = candidates.find((op) => op.server + op.path === path)
  if (exact) return exact
  for (const op of candidates) {
    const pattern = (op.server + op.path)
      .split(/\{[^}/]+\}/)
      .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[^/]+')
    if (new RegExp(`^${pattern}$`).test(path)) return op
  }
  return null
}
