import dagre from '@dagrejs/dagre'
import type { SchemaTable } from '@/api/types'

// The ER diagram's geometry and text, apart from the component: which tables relate, where the
// automatic layout puts them, and the Mermaid export.

export interface Point {
  x: number
  y: number
}

/** Node width, and the height of its header and of one column row (TableNode's CSS matches). */
export const NODE_WIDTH = 240
export const HEADER_HEIGHT = 34
export const ROW_HEIGHT = 22
/** Columns a node lists before "+ N more" (a 300-column table must not be a 7,000 px node). */
export const MAX_ROWS = 24

export function nodeHeight(table: Pick<SchemaTable, 'columns'>): number {
  const rows = Math.min(table.columns.length, MAX_ROWS) + (table.columns.length > MAX_ROWS ? 1 : 0)
  return HEADER_HEIGHT + rows * ROW_HEIGHT + 8
}

/** The columns a node shows: every foreign-key and key column first kept, the rest up to MAX_ROWS. */
export function shownColumns(table: SchemaTable): SchemaTable['columns'] {
  if (table.columns.length <= MAX_ROWS) return table.columns
  const linked = new Set([...table.primary_key, ...table.foreign_keys.flatMap((fk) => fk.columns)])
  const keep = table.columns.filter((c) => linked.has(c.name))
  const rest = table.columns.filter((c) => !linked.has(c.name))
  return [...keep, ...rest].slice(0, MAX_ROWS)
}

export interface DiagramEdge {
  id: string
  source: string
  target: string
  /** The child's first foreign-key column, and the parent's first referenced column. */
  sourceColumn: string
  targetColumn: string
  label: string
}

/** One edge per foreign key between two tables of `tables` (a table referencing itself too). */
export function edgesOf(tables: readonly SchemaTable[]): DiagramEdge[] {
  const names = new Set(tables.map((t) => t.name))
  return tables.flatMap((t) =>
    t.foreign_keys
      .filter((fk) => names.has(fk.references_table))
      .map((fk) => ({
        id: `${t.name}(${fk.columns.join(',')})->${fk.references_table}`,
        source: t.name,
        target: fk.references_table,
        sourceColumn: fk.columns[0] ?? '',
        targetColumn: fk.references_columns[0] ?? '',
        label: fk.columns.join(', '),
      })),
  )
}

/** `name` and the tables it references or is referenced by. */
export function neighbours(tables: readonly SchemaTable[], name: string): Set<string> {
  const out = new Set([name])
  for (const e of edgesOf(tables)) {
    if (e.source === name) out.add(e.target)
    if (e.target === name) out.add(e.source)
  }
  return out
}

const GAP = 60

interface Block {
  width: number
  height: number
  /** Node positions relative to the block's top-left corner. */
  places: Map<string, Point>
}

/** One connected group of tables laid out by dagre, left to right (children before parents). */
function dagreBlock(tables: readonly SchemaTable[], edges: readonly DiagramEdge[]): Block {
  const g = new dagre.graphlib.Graph()
  g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 120, marginx: 0, marginy: 0 })
  g.setDefaultEdgeLabel(() => ({}))
  for (const t of tables) g.setNode(t.name, { width: NODE_WIDTH, height: nodeHeight(t) })
  for (const e of edges) g.setEdge(e.source, e.target)
  dagre.layout(g)
  const places = new Map<string, Point>()
  let width = 0
  let height = 0
  for (const t of tables) {
    const n = g.node(t.name)
    const p = { x: Math.round(n.x - NODE_WIDTH / 2), y: Math.round(n.y - nodeHeight(t) / 2) }
    places.set(t.name, p)
    width = Math.max(width, p.x + NODE_WIDTH)
    height = Math.max(height, p.y + nodeHeight(t))
  }
  return { width, height, places }
}

/** The groups of tables that foreign keys connect, each with its edges; lone tables are groups of one. */
function components(tables: readonly SchemaTable[], edges: readonly DiagramEdge[]): { tables: SchemaTable[]; edges: DiagramEdge[] }[] {
  const parent = new Map(tables.map((t) => [t.name, t.name]))
  const root = (n: string): string => {
    let r = n
    while (parent.get(r) !== r) r = parent.get(r)!
    parent.set(n, r)
    return r
  }
  for (const e of edges) parent.set(root(e.source), root(e.target))
  const groups = new Map<string, { tables: SchemaTable[]; edges: DiagramEdge[] }>()
  for (const t of tables) {
    const r = root(t.name)
    if (!groups.has(r)) groups.set(r, { tables: [], edges: [] })
    groups.get(r)!.tables.push(t)
  }
  for (const e of edges) groups.get(root(e.source))!.edges.push(e)
  return [...groups.values()]
}

/**
 * Where each table goes: each group of related tables laid out by dagre, the groups packed in
 * rows (largest first) into a roughly 16:10 area, then the tables without any relation in a
 * grid under them, so neither thirty small groups nor fifty lone tables end up in one long
 * column. `saved` positions win over all of it.
 */
export function layoutTables(tables: readonly SchemaTable[], saved: Record<string, Point> = {}): Map<string, Point> {
  const edges = edgesOf(tables).filter((e) => e.source !== e.target)
  const groups = components(tables, edges)
  const blocks = groups.filter((g) => g.tables.length > 1).map((g) => dagreBlock(g.tables, g.edges))
  const alone = groups.filter((g) => g.tables.length === 1).map((g) => g.tables[0]!)
  const area = blocks.reduce((a, b) => a + (b.width + GAP) * (b.height + GAP), 0) + alone.length * (NODE_WIDTH + GAP) * 260
  const rowWidth = Math.max(
    4 * (NODE_WIDTH + GAP),
    ...blocks.map((b) => b.width + GAP),
    Math.sqrt(area * 1.6),
  )
  const out = new Map<string, Point>()
  let x = 0
  let y = 0
  let rowHeight = 0
  blocks.sort((a, b) => b.height - a.height)
  for (const b of blocks) {
    if (x > 0 && x + b.width > rowWidth) {
      x = 0
      y += rowHeight + GAP
      rowHeight = 0
    }
    for (const [name, p] of b.places) out.set(name, { x: x + p.x, y: y + p.y })
    x += b.width + GAP
    rowHeight = Math.max(rowHeight, b.height)
  }
  if (blocks.length) y += rowHeight + GAP * 2
  const perRow = Math.max(1, Math.floor(rowWidth / (NODE_WIDTH + GAP)))
  for (let start = 0; start < alone.length; start += perRow) {
    const row = alone.slice(start, start + perRow)
    row.forEach((t, i) => out.set(t.name, { x: i * (NODE_WIDTH + GAP), y }))
    y += Math.max(...row.map(nodeHeight)) + GAP
  }
  for (const [name, p] of Object.entries(saved)) if (out.has(name)) out.set(name, p)
  return out
}

/** A Mermaid word: what its grammar takes for names and types. */
function word(s: string): string {
  const w = s.replace(/[^A-Za-z0-9_]/g, '_')
  return /^[A-Za-z_]/.test(w) ? w : `_${w}`
}

/** The schema as a Mermaid `erDiagram`: every table with its columns, one line per foreign key. */
export function toMermaid(tables: readonly SchemaTable[]): string {
  const lines = ['erDiagram']
  for (const t of tables) {
    const fks = new Set(t.foreign_keys.flatMap((fk) => fk.columns))
    lines.push(`    ${word(t.name)} {`)
    for (const c of t.columns) {
      const keys = [t.primary_key.includes(c.name) ? 'PK' : '', fks.has(c.name) ? 'FK' : ''].filter(Boolean).join(', ')
      lines.push(`        ${word(c.type)} ${word(c.name)}${keys ? ` ${keys}` : ''}`)
    }
    lines.push('    }')
  }
  const names = new Set(tables.map((t) => t.name))
  for (const t of tables) {
    for (const fk of t.foreign_keys) {
      if (!names.has(fk.references_table)) continue
      const optional = fk.columns.some((c) => t.columns.find((col) => col.name === c)?.nullable)
      lines.push(`    ${word(fk.references_table)} ${optional ? '|o' : '||'}--o{ ${word(t.name)} : "${fk.columns.join(', ')}"`)
    }
  }
  return `${lines.join('\n')}\n`
}
