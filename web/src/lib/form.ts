import type { Column, Row } from '@/api/types'

/** What a form field holds: the text in its input and whether it is set to NULL. */
export interface Draft {
  text: string
  isNull: boolean
}

type FieldColumn = Pick<Column, 'name' | 'kind' | 'nullable'>

const TZ_SUFFIX = /(Z|[+-]\d{2}:?\d{2})$/i

/** API value → form draft. */
export function toDraft(value: unknown, column: FieldColumn): Draft {
  if (value === null) return { text: '', isNull: true }
  if (value === undefined) return { text: '', isNull: false }
  switch (column.kind) {
    case 'boolean':
      return { text: value === true || value === 'true' ? 'true' : 'false', isNull: false }
    case 'json':
      return { text: JSON.stringify(value, null, 2), isNull: false }
    case 'date':
      return { text: String(value).slice(0, 10), isNull: false }
    case 'datetime': {
      // `<input type="datetime-local">` wants `YYYY-MM-DDTHH:MM:SS`, no zone
      const s = String(value).replace(' ', 'T').replace(TZ_SUFFIX, '')
      return { text: s.replace(/\.\d+$/, '').slice(0, 19), isNull: false }
    }
    default:
      return { text: typeof value === 'object' ? JSON.stringify(value) : String(value), isNull: false }
  }
}

/** An empty draft for a new row. */
export function emptyDraft(column: FieldColumn): Draft {
  return { text: column.kind === 'boolean' ? 'false' : '', isNull: false }
}

export type Parsed = { ok: true; value: unknown } | { ok: false; error: string }

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/

/**
 * Form draft → API value, or a validation message. `original` is the value the row had (used to
 * keep a datetime's time zone suffix).
 */
export function fromDraft(draft: Draft, column: FieldColumn, original?: unknown): Parsed {
  if (draft.isNull) {
    return column.nullable ? { ok: true, value: null } : { ok: false, error: 'cannot be NULL' }
  }
  const t = draft.text
  switch (column.kind) {
    case 'integer': {
      const n = Number(t.trim())
      if (t.trim() === '' || !Number.isInteger(n)) return { ok: false, error: 'must be an integer' }
      return { ok: true, value: n }
    }
    case 'float': {
      const n = Number(t.trim())
      if (t.trim() === '' || !Number.isFinite(n)) return { ok: false, error: 'must be a number' }
      return { ok: true, value: n }
    }
    case 'decimal':
      if (!DECIMAL.test(t.trim())) return { ok: false, error: 'must be a number' }
      return { ok: true, value: t.trim() }
    case 'boolean':
      return { ok: true, value: t === 'true' }
    case 'json':
      try {
        return { ok: true, value: JSON.parse(t) as unknown }
      } catch (e) {
        return { ok: false, error: `invalid JSON: ${e instanceof Error ? e.message : String(e)}` }
      }
    case 'date':
    case 'time':
      if (t === '') return { ok: false, error: 'required' }
      return { ok: true, value: t }
    case 'datetime': {
      if (t === '') return { ok: false, error: 'required' }
      const withSeconds = /T\d{2}:\d{2}$/.test(t) ? `${t}:00` : t
      const zone = typeof original === 'string' ? TZ_SUFFIX.exec(original)?.[0] : undefined
      return { ok: true, value: zone ? withSeconds + zone : withSeconds }
    }
    default:
      return { ok: true, value: t }
  }
}

export function sameDraft(a: Draft, b: Draft): boolean {
  return a.isNull === b.isNull && (a.isNull || a.text === b.text)
}

/** The `<input type>` for a column kind (decimals stay text: a number input would round them). */
export function inputType(kind: Column['kind']): string {
  switch (kind) {
    case 'integer':
    case 'float':
      return 'number'
    case 'date':
      return 'date'
    case 'datetime':
      return 'datetime-local'
    case 'time':
      return 'time'
    default:
      return 'text'
  }
}

/** The input's `step`: whole numbers for integers; any for floats and for times with seconds. */
export function inputStep(kind: Column['kind']): string | undefined {
  if (kind === 'integer') return '1'
  return kind === 'float' || kind === 'datetime' || kind === 'time' ? 'any' : undefined
}

/** Columns the user may edit in the form (`isNew`: creating a row). */
export function isEditable(column: Pick<Column, 'readonly' | 'auto_increment' | 'primary_key'>, isNew: boolean): boolean {
  if (column.readonly) return false
  if (column.auto_increment) return false
  if (column.primary_key && !isNew) return false
  return true
}

/**
 * The changed columns as an API body, plus per-column client-side errors.
 * Only columns whose draft differs from the initial draft are included, and those in `always`
 * (a duplicated row's prefilled values, which must be sent even when left as they are).
 */
export function collectChanges(
  columns: readonly FieldColumn[],
  drafts: Record<string, Draft>,
  initial: Record<string, Draft>,
  original: Row | null,
  always: ReadonlySet<string> = new Set(),
): { changes: Row; errors: Record<string, string[]> } {
  const changes: Row = {}
  const errors: Record<string, string[]> = {}
  for (const col of columns) {
    const d = drafts[col.name]
    const i = initial[col.name]
    if (!d || (i && sameDraft(d, i) && !always.has(col.name))) continue
    const parsed = fromDraft(d, col, original?.[col.name])
    if (parsed.ok) changes[col.name] = parsed.value
    else errors[col.name] = [parsed.error]
  }
  return { changes, errors }
}
