import type { MetadataChange, TableMetadata } from '@/api/types'

/** The table-level fields an admin can override. */
export const TABLE_FIELDS = ['label', 'description', 'display_column', 'default_sort', 'hidden'] as const
/** The column-level fields an admin can override. */
export const COLUMN_FIELDS = ['label', 'description', 'hidden', 'readonly'] as const

export type TableField = (typeof TABLE_FIELDS)[number]
export type ColumnField = (typeof COLUMN_FIELDS)[number]

/** What the form edits: the effective value of every field (override, else default). */
export interface MetadataDraft {
  label: string
  description: string
  display_column: string
  default_sort: string
  hidden: boolean
  columns: Record<string, { label: string; description: string; hidden: boolean; readonly: boolean }>
}

/** The form's starting point: overrides over defaults, text fields as '' when unset. */
export function draftOf(overrides: TableMetadata, defaults: TableMetadata): MetadataDraft {
  const pick = <K extends TableField>(k: K) => overrides[k] ?? defaults[k]
  const columns: MetadataDraft['columns'] = {}
  for (const [name, d] of Object.entries(defaults.columns ?? {})) {
    const o = overrides.columns?.[name] ?? {}
    columns[name] = {
      label: o.label ?? d.label ?? name,
      description: o.description ?? d.description ?? '',
      hidden: o.hidden ?? d.hidden ?? false,
      readonly: o.readonly ?? d.readonly ?? false,
    }
  }
  return {
    label: (pick('label') as string | null | undefined) ?? '',
    description: (pick('description') as string | null | undefined) ?? '',
    display_column: (pick('display_column') as string | null | undefined) ?? '',
    default_sort: (pick('default_sort') as string | null | undefined) ?? '',
    hidden: (pick('hidden') as boolean | null | undefined) ?? false,
    columns,
  }
}

/**
 * The PATCH body that turns `start` into `draft`: only fields the admin changed. An emptied text
 * field is `null`, which gives the default back (a label cannot be empty; "no description" is the
 * default's to say).
 */
export function changeOf(start: MetadataDraft, draft: MetadataDraft): MetadataChange {
  const change: MetadataChange = {}
  const text = (v: string) => (v.trim() === '' ? null : v)
  for (const k of ['label', 'description', 'display_column', 'default_sort'] as const) {
    if (draft[k] !== start[k]) change[k] = text(draft[k])
  }
  if (draft.hidden !== start.hidden) change.hidden = draft.hidden
  const columns: NonNullable<MetadataChange['columns']> = {}
  for (const [name, d] of Object.entries(draft.columns)) {
    const s = start.columns[name]
    if (!s) continue
    const c: Record<string, string | boolean | null> = {}
    if (d.label !== s.label) c.label = text(d.label)
    if (d.description !== s.description) c.description = text(d.description)
    if (d.hidden !== s.hidden) c.hidden = d.hidden
    if (d.readonly !== s.readonly) c.readonly = d.readonly
    if (Object.keys(c).length) columns[name] = c
  }
  if (Object.keys(columns).length) change.columns = columns
  return change
}

/** Whether the change changes anything. */
export function isEmptyChange(change: MetadataChange): boolean {
  return Object.keys(change).length === 0
}

/** Whether a table field is overridden (the UI marks it and offers "reset"). */
export function tableOverridden(overrides: TableMetadata, field: TableField): boolean {
  return overrides[field] !== undefined && overrides[field] !== null
}

/** Whether a column field is overridden. */
export function columnOverridden(overrides: TableMetadata, column: string, field: ColumnField): boolean {
  const v = overrides.columns?.[column]?.[field]
  return v !== undefined && v !== null
}
