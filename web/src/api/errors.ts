import type { ImportProblem, SqlErrorAt } from './types'

/** An error answered by the API (or a network failure, status 0), in the API's error shape. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly fields: Record<string, string[]>
  /** An import's rows at fault (row, file line, column), when the API names them. */
  readonly problems: ImportProblem[]
  /** Where a refused SQL statement went wrong (SQL runner errors, code `sql`). */
  readonly sql: SqlErrorAt | null

  constructor(
    status: number,
    code: string,
    message: string,
    fields: Record<string, string[]> = {},
    problems: ImportProblem[] = [],
    sql: SqlErrorAt | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
    this.problems = problems
    this.sql = sql
  }

  /** Build from a response status and its (already parsed) body, which may be anything. */
  static from(status: number, body: unknown): ApiError {
    const err = isObject(body) && isObject(body.error) ? body.error : undefined
    const code = typeof err?.code === 'string' ? err.code : fallbackCode(status)
    const message =
      typeof err?.message === 'string' && err.message
        ? err.message
        : `Request failed (${status || 'network error'})`
    const fields: Record<string, string[]> = {}
    if (err && isObject(err.fields)) {
      for (const [k, v] of Object.entries(err.fields)) {
        if (Array.isArray(v)) fields[k] = v.map(String)
        else if (typeof v === 'string') fields[k] = [v]
      }
    }
    const problems = Array.isArray(err?.problems) ? err.problems.filter(isProblem) : []
    const sql = isObject(err?.sql) ? (err.sql as SqlErrorAt) : null
    return new ApiError(status, code, message, fields, problems, sql)
  }
}

/** Turn anything thrown into an ApiError (network failures become status 0). */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  const message = e instanceof Error ? e.message : String(e)
  return new ApiError(0, 'network', message || 'Network error')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function isProblem(v: unknown): v is ImportProblem {
  return isObject(v) && typeof v.row === 'number' && typeof v.message === 'string'
}

function fallbackCode(status: number): string {
  switch (status) {
    case 400: return 'bad_request'
    case 401: return 'unauthorized'
    case 403: return 'forbidden'
    case 404: return 'not_found'
    case 409: return 'conflict'
    case 422: return 'validation'
    case 429: return 'rate_limited'
    default: return 'internal'
  }
}
