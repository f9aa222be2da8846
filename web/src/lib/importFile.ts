/** Importing a file into a table: its format, a preview of its first rows, the field → column mapping. */
import type { Column, Row } from '@/api/types'
import { EXPORT_FORMATS, type ExportFormat } from './export'
import { parseCsv } from './csv'

/** The formats an import reads are the ones an export writes. */
export type ImportFormat = ExportFormat
export const IMPORT_FORMATS = EXPORT_FORMATS

export const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
}

/** Rows shown in the preview. */
export const PREVIEW_ROWS = 20

/**
 * A CSV preview reads this much of the file's head, not the whole file (an import may be 64 MB;
 * the server reads all of it). JSON and NDJSON are read whole: the preview checks every row.
 */
export const CSV_PREVIEW_BYTES = 1 << 20

/** The text a preview of `file` needs, and whether it is only the file's head. */
export async function readForPreview(file: Blob, format: ImportFormat): Promise<{ text: string; truncated: boolean }> {
  if (format === 'csv' && file.size > CSV_PREVIEW_BYTES) {
    return { text: await file.slice(0, CSV_PREVIEW_BYTES).text(), truncated: true }
  }
  return { text: await file.text(), truncated: false }
}

/** The format a file's name (or, failing that, its type) says it has, else null. */
export function formatOfFile(name: string, type = ''): ImportFormat | null {
  const ext = /\.([a-z]+)$/i.exec(name)?.[1]?.toLowerCase()
  if (ext === 'csv') return 'csv'
  if (ext === 'json') return 'json'
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson'
  const mime = type.split(';')[0]!.trim().toLowerCase()
  for (const [format, ct] of Object.entries(CONTENT_TYPES) as [ImportFormat, string][]) {
    if (mime === ct) return format
  }
  return null
}

export interface FilePreview {
  /** The file's fields: the CSV header, or every key the JSON objects use (in first-seen order). */
  fields: string[]
  /** The first rows, field → value as read (CSV cells are text). */
  rows: Row[]
  /** Per preview row, the file line it starts on (null for a JSON array). */
  lines: (number | null)[]
  /** Data rows in the file, when known without reading it all again (JSON, NDJSON, small CSV). */
  total: number | null
  /** Why the file cannot be imported as it is (the server would refuse it too), or null. */
  error: string | null
}

const empty = (error: string): FilePreview => ({ fields: [], rows: [], lines: [], total: null, error })

/** Read the fields and the first `max` rows of a file's text (`truncated`: only its head). */
export function previewFile(text: string, format: ImportFormat, max = PREVIEW_ROWS, truncated = false): FilePreview {
  if (format === 'csv') return previewCsv(text, max, truncated)
  if (format === 'json') return previewJson(text, max)
  return previewNdjson(text, max)
}

function previewCsv(text: string, max: number, truncated: boolean): FilePreview {
  const parsed = parseCsv(text, max + 1)
  // The head ends anywhere: a record it ends in is cut short (or an open quote looks unclosed).
  const cut = truncated && parsed.complete
  if (cut) Object.assign(parsed, { records: parsed.records.slice(0, -1), complete: false, unterminatedAt: null })
  const [header, ...records] = parsed.records
  if (!header) return empty('The file is empty: a CSV import needs a header line naming the fields.')
  const fields = header.fields
  const twice = fields.find((f, i) => fields.indexOf(f) !== i)
  const rows = records.map((r) => Object.fromEntries(fields.map((f, i) => [f, r.fields[i] ?? ''])))
  const ragged = records.find((r) => r.fields.length !== fields.length)
  let error: string | null = null
  if (twice !== undefined) error = `The header names the field "${twice}" twice.`
  else if (parsed.unterminatedAt !== null) error = `Line ${parsed.unterminatedAt}: a quoted field is never closed.`
  else if (ragged) error = `Line ${ragged.line}: expected ${fields.length} fields, found ${ragged.fields.length}.`
  return {
    fields,
    rows,
    lines: records.map((r) => r.line),
    total: parsed.complete ? records.length : null,
    error,
  }
}

/** Keys of the objects among `items`, in first-seen order. */
function fieldsOf(items: unknown[]): string[] {
  const seen = new Set<string>()
  for (const item of items) if (isObject(item)) for (const k of Object.keys(item)) seen.add(k)
  return [...seen]
}

function previewJson(text: string, max: number): FilePreview {
  let items: unknown
  try {
    items = JSON.parse(text)
  } catch (e) {
    return empty(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (!Array.isArray(items)) return empty('A JSON import needs an array of objects (one per row).')
  const bad = items.findIndex((x) => !isObject(x))
  return {
    fields: fieldsOf(items),
    rows: items.slice(0, max).map((x) => (isObject(x) ? x : {})),
    lines: items.slice(0, max).map(() => null),
    total: items.length,
    error: bad >= 0 ? `Row ${bad + 1} is not an object.` : null,
  }
}

function previewNdjson(text: string, max: number): FilePreview {
  const items: unknown[] = []
  const lines: number[] = []
  let error: string | null = null
  text.split(/\r?\n/).forEach((l, i) => {
    if (l.trim() === '') return
    try {
      const value: unknown = JSON.parse(l)
      if (!isObject(value) && !error) error = `Line ${i + 1}: expected a JSON object.`
      items.push(value)
    } catch {
      error ??= `Line ${i + 1}: not valid JSON.`
      items.push(null)
    }
    lines.push(i + 1)
  })
  return {
    fields: fieldsOf(items),
    rows: items.slice(0, max).map((x) => (isObject(x) ? x : {})),
    lines: lines.slice(0, max),
    total: items.length,
    error,
  }
}

function isObject(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** File field → table column, or null to leave the field out. */
export type Mapping = Record<string, string | null>

/** Columns a file may fill: those not read-only. */
export function importableColumns(columns: readonly Column[]): Column[] {
  return columns.filter((c) => !c.readonly)
}

/** Each field to the column of the same name (else ignoring case), or skipped when none fits. */
export function defaultMapping(fields: readonly string[], columns: readonly Pick<Column, 'name'>[]): Mapping {
  const exact = new Set(columns.map((c) => c.name))
  const folded = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]))
  const taken = new Set<string>()
  const out: Mapping = {}
  for (const f of fields) {
    const target = exact.has(f) ? f : (folded.get(f.toLowerCase()) ?? null)
    // two fields that fold to the same column: the second one is skipped
    out[f] = target !== null && !taken.has(target) ? target : null
    if (out[f]) taken.add(out[f]!)
  }
  return out
}

/** Fields mapped onto a column another field already fills: field → message. */
export function mappingConflicts(fields: readonly string[], mapping: Mapping): Record<string, string> {
  const first = new Map<string, string>()
  const out: Record<string, string> = {}
  for (const f of fields) {
    const c = mapping[f]
    if (!c) continue
    const owner = first.get(c)
    if (owner !== undefined) out[f] = `column ${c} is already filled by "${owner}"`
    else first.set(c, f)
  }
  return out
}

/** The import request's query: format, the whole mapping (explicit, so nothing is guessed) and dry run. */
export function importQuery(format: ImportFormat, fields: readonly string[], mapping: Mapping, dryRun: boolean): string {
  const explicit: Mapping = {}
  for (const f of fields) explicit[f] = mapping[f] ?? null
  const q = new URLSearchParams({ format, mapping: JSON.stringify(explicit), dry_run: String(dryRun) })
  return q.toString()
}
