import { describe, expect, it } from 'vitest'
import type { SchemaTable } from '@/api/types'
import { NODE_WIDTH, edgesOf, layoutTables, neighbours, nodeHeight, shownColumns, toMermaid, MAX_ROWS } from '../diagram'

function table(name: string, refs: string[] = [], columns = 4): SchemaTable {
  const cols = Array.from({ length: columns }, (_, i) => ({
    name: i === 0 ? 'id' : `c${i}`,
    type: i === 0 ? 'bigint' : 'character varying(40)',
    nullable: i > 1,
    primary_key: i === 0,
  }))
  const fks = refs.map((r) => ({ columns: [`${r}_id`], references_table: r, references_columns: ['id'] }))
  for (const r of refs) cols.push({ name: `${r}_id`, type: 'bigint', nullable: true, primary_key: false })
  return { name, columns: cols, primary_key: ['id'], foreign_keys: fks, tracked: true } as unknown as SchemaTable
}

function overlaps(tables: SchemaTable[], at: Map<string, { x: number; y: number }>): string[] {
  const out: string[] = []
  for (const a of tables)
    for (const b of tables) {
      if (a.name >= b.name) continue
      const p = at.get(a.name)!
      const q = at.get(b.name)!
      if (p.x < q.x + NODE_WIDTH && q.x < p.x + NODE_WIDTH && p.y < q.y + nodeHeight(b) && q.y < p.y + nodeHeight(a)) out.push(`${a.name}/${b.name}`)
    }
  return out
}

describe('layoutTables', () => {
  it('places every table without overlaps, related groups and lone tables spread in rows', () => {
    const tables: SchemaTable[] = []
    for (let g = 0; g < 30; g++) for (let i = 0; i < 5; i++) tables.push(table(`g${g}_${i}`, i ? [`g${g}_${i - 1}`] : []))
    for (let i = 0; i < 50; i++) tables.push(table(`alone${i}`))
    const at = layoutTables(tables)
    expect(at.size).toBe(200)
    expect(overlaps(tables, at)).toEqual([])
    const xs = [...at.values()].map((p) => p.x)
    const ys = [...at.values()].map((p) => p.y)
    const width = Math.max(...xs) + NODE_WIDTH
    const height = Math.max(...ys)
    // neither one long column nor one long row
    expect(width / height).toBeGreaterThan(0.5)
    expect(width / height).toBeLessThan(4)
    const loneXs = new Set(tables.filter((t) => t.name.startsWith('alone')).map((t) => at.get(t.name)!.x))
    expect(loneXs.size).toBeGreaterThan(3)
  })

  it('keeps saved positions and lays out the rest', () => {
    const tables = [table('a'), table('b', ['a']), table('c')]
    const at = layoutTables(tables, { b: { x: 999, y: -5 }, gone: { x: 1, y: 1 } })
    expect(at.get('b')).toEqual({ x: 999, y: -5 })
    expect(at.has('gone')).toBe(false)
    expect(at.size).toBe(3)
  })
})

describe('edges, neighbours and columns', () => {
  it('joins the foreign key column to the referenced one, and finds neighbours both ways', () => {
    const tables = [table('customers'), table('orders', ['customers']), table('items', ['orders']), table('other', ['missing'])]
    expect(edgesOf(tables).map((e) => `${e.source}.${e.sourceColumn}->${e.target}.${e.targetColumn}`)).toEqual([
      'orders.customers_id->customers.id',
      'items.orders_id->orders.id',
    ])
    expect([...neighbours(tables, 'orders')].sort()).toEqual(['customers', 'items', 'orders'])
  })

  it('caps a wide table at MAX_ROWS, keys first', () => {
    const wide = table('wide', ['a'], 40)
    const shown = shownColumns(wide)
    expect(shown).toHaveLength(MAX_ROWS)
    expect(shown.map((c) => c.name)).toContain('a_id')
    expect(nodeHeight(wide)).toBe(nodeHeight(table('x', [], MAX_ROWS)) + 22)
  })
})

describe('toMermaid', () => {
  it('writes entities with keys and one relationship per foreign key, names made Mermaid words', () => {
    const text = toMermaid([table('customers', [], 2), table('order-lines', ['customers'], 2)])
    expect(text).toContain('erDiagram\n    customers {\n        bigint id PK\n        character_varying_40_ c1\n    }')
    expect(text).toContain('        bigint customers_id FK')
    expect(text).toContain('    customers |o--o{ order_lines : "customers_id"')
  })
})
