// Permission rules: what applies to which operation, the matrix's full/partial/none, the editor's
// draft ↔ the rule body the API stores.
import type { Operation, Rule } from '@/api/types'
import { isSessionVariable, type SessionVariable, type Where } from './where'

export const OPERATIONS: readonly { op: Operation; letter: string; label: string }[] = [
  { op: 'select', letter: 'S', label: 'select' },
  { op: 'insert', letter: 'I', label: 'insert' },
  { op: 'update', letter: 'U', label: 'update' },
  { op: 'delete', letter: 'D', label: 'delete' },
]

export type RulePart = 'columns' | 'filter' | 'check' | 'presets' | 'limit'

/** The parts of a rule the server accepts for each operation. */
export const APPLIES: Record<Operation, readonly RulePart[]> = {
  select: ['columns', 'filter', 'limit'],
  insert: ['columns', 'check', 'presets'],
  update: ['columns', 'filter', 'check', 'presets'],
  delete: ['filter'],
}

export const applies = (op: Operation, part: RulePart): boolean => APPLIES[op].includes(part)

export type RuleLevel = 'full' | 'partial' | 'none'

const isEmptyObject = (v: unknown) =>
  v === null || v === undefined || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)

/**
 * How much a rule allows at a glance: `none` (no rule), `full` (every column, no filter, check,
 * presets or limit) or `partial` (any restriction).
 */
export function ruleLevel(rule: Rule | null | undefined): RuleLevel {
  if (!rule) return 'none'
  const allColumns = rule.columns === undefined || rule.columns === '*'
  const limited = rule.limit !== null && rule.limit !== undefined
  if (allColumns && isEmptyObject(rule.filter) && isEmptyObject(rule.check) && isEmptyObject(rule.presets) && !limited) {
    return 'full'
  }
  return 'partial'
}

/** One preset of the editor: a column and either JSON text or a session variable. */
export interface PresetRow {
  column: string
  session: SessionVariable | null
  /** JSON text of the value (when `session` is null). */
  value: string
}

export function presetsToRows(presets: Record<string, unknown> | null | undefined): PresetRow[] {
  return Object.entries(presets ?? {}).map(([column, v]) =>
    isSessionVariable(v) ? { column, session: v, value: '' } : { column, session: null, value: JSON.stringify(v) },
  )
}

/** Preset rows → the `presets` object; rows without a column are skipped, bad JSON is an error. */
export function rowsToPresets(rows: readonly PresetRow[]): { presets: Record<string, unknown>; errors: string[] } {
  const presets: Record<string, unknown> = {}
  const errors: string[] = []
  for (const r of rows) {
    if (!r.column) continue
    if (r.session) {
      presets[r.column] = r.session
      continue
    }
    try {
      presets[r.column] = JSON.parse(r.value) as unknown
    } catch {
      errors.push(`${r.column}: the value is not JSON (quote text: "DE")`)
    }
  }
  return { presets, errors }
}

/** What the rule editor holds. */
export interface RuleDraft {
  allColumns: boolean
  columns: string[]
  filter: Where | null
  check: Where | null
  presets: PresetRow[]
  /** Typed limit ('' = none). */
  limit: string
}

export function ruleToDraft(rule: Rule | null | undefined, allNames: readonly string[]): RuleDraft {
  const cols = rule?.columns
  const all = !rule || cols === undefined || cols === '*'
  return {
    allColumns: all,
    columns: all ? [...allNames] : [...(cols as string[])],
    filter: (rule?.filter as Where | null | undefined) ?? null,
    check: (rule?.check as Where | null | undefined) ?? null,
    presets: presetsToRows(rule?.presets as Record<string, unknown> | undefined),
    limit: rule?.limit === null || rule?.limit === undefined ? '' : String(rule.limit),
  }
}

/**
 * The rule body to PUT for an operation: only the parts that apply to it, empty parts left out.
 * Client-side problems (bad preset JSON, a bad limit) come back per part, like the server's 422.
 */
export function draftToRule(draft: RuleDraft, op: Operation): { rule: Rule; errors: Partial<Record<RulePart, string[]>> } {
  const rule: Rule = { columns: '*' }
  const errors: Partial<Record<RulePart, string[]>> = {}
  if (applies(op, 'columns') && !draft.allColumns) rule.columns = [...draft.columns]
  if (applies(op, 'filter') && draft.filter && !isEmptyObject(draft.filter)) rule.filter = draft.filter
  if (applies(op, 'check') && draft.check && !isEmptyObject(draft.check)) rule.check = draft.check
  if (applies(op, 'presets')) {
    const { presets, errors: e } = rowsToPresets(draft.presets)
    if (e.length) errors.presets = e
    if (Object.keys(presets).length) rule.presets = presets
  }
  if (applies(op, 'limit') && draft.limit.trim() !== '') {
    const n = Number(draft.limit.trim())
    if (Number.isInteger(n) && n >= 0) rule.limit = n
    else errors.limit = ['a whole number ≥ 0, or empty for no limit']
  }
  return { rule, errors }
}
