import type { LocationQuery, LocationQueryRaw, RouteLocationRaw } from 'vue-router'
import type { AuditCategory, AuditEntry, AuditExportQuery, AuditQuery, DayCount } from '@/api/types'

/** Every category, in the order the server lists them (checked against the generated type). */
export const CATEGORIES = [
  'row', 'tracking', 'permission', 'role', 'user', 'token', 'flag', 'metadata', 'view', 'session', 'migration', 'sql', 'audit',
] as const satisfies readonly AuditCategory[]

/** The actions the server writes (the filter offers them; others in a URL are kept). */
export const ACTIONS = [
  'insert', 'update', 'delete', 'create', 'import', 'track', 'untrack', 'login', 'login_failed', 'logout', 'purge',
  'apply', 'rollback', 'mark_applied', 'clear',
] as const

/** What a withheld (secret) column shows instead of its value. */
export const WITHHELD = '••••••'

/** The Activity page's filters as kept in its URL ('' = not filtered). Dates are `YYYY-MM-DD`, local. */
export interface AuditFilters {
  category: string
  user: string
  table: string
  row_key: string
  action: string
  request_id: string
  text: string
  /** First day shown. */
  from: string
  /** Last day shown (inclusive). */
  to: string
}

export const FILTER_KEYS = ['category', 'user', 'table', 'row_key', 'action', 'request_id', 'text', 'from', 'to'] as const

const DATE = /^\d{4}-\d{2}-\d{2}$/

function first(v: LocationQuery[string] | undefined): string {
  if (Array.isArray(v)) return v[0] ?? ''
  return v ?? ''
}

export function emptyFilters(): AuditFilters {
  return { category: '', user: '', table: '', row_key: '', action: '', request_id: '', text: '', from: '', to: '' }
}

/** URL query → filters (a date that is not `YYYY-MM-DD` is dropped). */
export function parseAuditFilters(query: LocationQuery): AuditFilters {
  const f = emptyFilters()
  for (const k of FILTER_KEYS) f[k] = first(query[k]).trim()
  if (!DATE.test(f.from)) f.from = ''
  if (!DATE.test(f.to)) f.to = ''
  return f
}

/** Filters → URL query, empty ones left out so URLs stay short. */
export function auditFiltersQuery(f: Partial<AuditFilters>): LocationQueryRaw {
  const q: LocationQueryRaw = {}
  for (const k of FILTER_KEYS) {
    const v = f[k]?.trim()
    if (v) q[k] = v
  }
  return q
}

/** Whether any filter is set. */
export function isFiltered(f: AuditFilters): boolean {
  return FILTER_KEYS.some((k) => f[k] !== '')
}

/** Local midnight of a `YYYY-MM-DD` day, Unix milliseconds (`days` later when given). */
export function dayStart(date: string, days = 0): number | undefined {
  if (!DATE.test(date)) return undefined
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const t = new Date(y, m - 1, d + days).getTime()
  return Number.isFinite(t) ? t : undefined
}

/** Filters → the list's query parameters (`from`/`to` as milliseconds, `to` the end of its day). */
export function auditListQuery(f: AuditFilters): AuditQuery {
  const q: AuditQuery = {}
  for (const k of ['user', 'table', 'row_key', 'action', 'request_id', 'text'] as const) {
    if (f[k]) q[k] = f[k]
  }
  // a category from a hand-edited URL that is not one is left out rather than refused
  const category = CATEGORIES.find((c) => c === f.category)
  if (category) q.category = category
  const from = dayStart(f.from)
  const to = dayStart(f.to, 1)
  if (from !== undefined) q.from = from
  if (to !== undefined) q.to = to
  return q
}

/** The export's URL for the filters (a plain link: the session cookie goes along). */
export function auditExportUrl(base: string, f: AuditFilters, format: 'csv' | 'ndjson'): string {
  // the same filters as the list, so the file holds what the page shows
  const q: AuditExportQuery = { format, ...auditListQuery(f) }
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v))
  return `${base}/api/v1/audit/export?${params.toString()}`
}

/** One line of a before/after diff. */
export interface DiffLine {
  key: string
  before: unknown
  after: unknown
  /** Whether the key had a value before / has one after (a missing key is not a null). */
  inBefore: boolean
  inAfter: boolean
  changed: boolean
}

type Image = Record<string, unknown>

function image(v: unknown): Image | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Image) : null
}

/**
 * The lines of an entry's diff: every key of before and after (in their order), marked when the
 * entry names it as changed. `all` false: only the changed keys.
 */
export function diffLines(entry: { before?: unknown; after?: unknown; changed: readonly string[] }, all: boolean): DiffLine[] {
  const before = image(entry.before)
  const after = image(entry.after)
  const changed = new Set(entry.changed)
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {}), ...entry.changed])]
  return keys
    .filter((key) => all || changed.has(key))
    .map((key) => ({
      key,
      before: before?.[key],
      after: after?.[key],
      inBefore: before !== null && key in before,
      inAfter: after !== null && key in after,
      changed: changed.has(key),
    }))
}

/** Whether the server can revert the entry (others answer 400). */
export function isRevertable(entry: Pick<AuditEntry, 'category' | 'action'>): boolean {
  switch (entry.category) {
    case 'row':
      return entry.action === 'insert' || entry.action === 'update' || entry.action === 'delete'
    case 'permission':
    case 'flag':
    case 'tracking':
    case 'metadata':
      return entry.action !== 'purge'
    default:
      return false
  }
}

const DAY_MS = 86_400_000

/**
 * The last `days` days (UTC, as the server counts them) ending today, each with its count:
 * the overview leaves days without changes out, the chart shows them as zero.
 */
export function fillDays(activity: readonly DayCount[], days = 14, now = Date.now()): DayCount[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS
  const counts = new Map(activity.map((d) => [d.day, d.count]))
  return Array.from({ length: days }, (_, i) => {
    const day = today - (days - 1 - i) * DAY_MS
    return { day, count: counts.get(day) ?? 0 }
  })
}

/** Where an entry's target lives in the console (the row, the matrix, the flags...), if anywhere. */
export function entryTargetLink(entry: Pick<AuditEntry, 'category' | 'action' | 'table' | 'row_key'>): RouteLocationRaw | null {
  switch (entry.category) {
    case 'metadata':
      return entry.table ? { name: 'schema-table', params: { table: entry.table }, query: { tab: 'metadata' } } : null
    case 'row':
      if (!entry.table || entry.row_key == null) return null
      // a deleted row has no page any more; its table has
      return entry.action === 'delete'
        ? { name: 'table', params: { table: entry.table } }
        : { name: 'row', params: { table: entry.table, pk: entry.row_key } }
    case 'tracking':
      return entry.table && entry.action === 'track' ? { name: 'table', params: { table: entry.table } } : null
    case 'permission':
      return { name: 'permissions-matrix' }
    case 'role':
      return { name: 'permissions-roles' }
    case 'user':
      return { name: 'users' }
    case 'flag':
      return { name: 'settings-flags' }
    default:
      return null
  }
}

/** The target as text: `customers 7`, `viewer/orders/select`, a flag's name. */
export function entryTargetText(entry: Pick<AuditEntry, 'table' | 'row_key' | 'object'>): string {
  if (entry.table && entry.row_key != null) return `${entry.table} ${entry.row_key}`
  return entry.object ?? entry.table ?? ''
}

/** A value as the diff shows it: strings as they are, the rest as JSON. */
export function diffText(v: unknown): string {
  if (v === undefined) return ''
  if (typeof v === 'string') return v
  return JSON.stringify(v, null, typeof v === 'object' && v !== null ? 2 : undefined)
}

/** An entry's time (Unix ms) as a local date and time. */
export function entryTime(at: number): string {
  return new Date(at).toLocaleString()
}
