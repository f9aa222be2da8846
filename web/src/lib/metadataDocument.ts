import type { DocumentChange, MetadataDocument } from '@/api/types'

/** What a pasted or uploaded text is: a document to compare, or why it is not one. */
export type ParsedDocument = { document: MetadataDocument } | { error: string }

/** Reads a metadata document from text, checking only what the server cannot say well (JSON, an object, the format key). */
export function parseDocument(text: string): ParsedDocument {
  if (!text.trim()) return { error: 'Paste a document or choose a file first.' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    return { error: `Not JSON: ${e instanceof Error ? e.message : String(e)}` }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'A metadata document is a JSON object.' }
  }
  if (!('rubbie_metadata' in value)) {
    return { error: 'No "rubbie_metadata" key: this is not a document exported by GET /api/v1/metadata.' }
  }
  return { document: value as MetadataDocument }
}

/** The keys of two entry images whose values differ (what the side-by-side view marks). */
export function changedKeys(before: unknown, after: unknown): string[] {
  const b = isObject(before) ? before : {}
  const a = isObject(after) ? after : {}
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])]
  return keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** "2 added, 1 changed, 3 removed" (empty sections left out). */
export function changeSummary(changes: readonly DocumentChange[]): string {
  const count = (action: string) => changes.filter((c) => c.action === action).length
  const parts = [
    [count('add'), 'added'],
    [count('change'), 'changed'],
    [count('remove'), 'removed'],
  ] as const
  const text = parts.filter(([n]) => n > 0).map(([n, word]) => `${n} ${word}`)
  return text.length ? text.join(', ') : 'no changes'
}

/** The section names as the page titles them. */
export const SECTION_TITLES: Record<string, string> = {
  tables: 'Tables',
  roles: 'Roles',
  permissions: 'Permissions',
  saved_views: 'Saved views',
  diagram_layouts: 'Diagram layouts',
}

/** How many entries of each section a document holds, for the export card. */
export function documentCounts(doc: MetadataDocument): { label: string; count: number }[] {
  const tables = Object.values(doc.tables ?? {})
  return [
    { label: 'tables', count: tables.length },
    { label: 'tracked', count: tables.filter((t) => t.tracked).length },
    { label: 'with metadata', count: tables.filter((t) => t.metadata && Object.keys(t.metadata).length > 0).length },
    { label: 'roles', count: doc.roles?.length ?? 0 },
    { label: 'rules', count: doc.permissions?.length ?? 0 },
    { label: 'saved views', count: doc.saved_views?.length ?? 0 },
  ]
}

/** The file name of a download: where and at which version it was taken. */
export function documentFileName(doc: MetadataDocument): string {
  return `rubbie-metadata-${doc.backend || 'db'}-v${doc.resource_version ?? 0}.json`
}

/** The document as it downloads: two-space indent, the server's key order, a final newline. */
export function documentText(doc: MetadataDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`
}
