import { describe, expect, it } from 'vitest'
import type { LocationQuery } from 'vue-router'
import {
  auditExportUrl, auditFiltersQuery, auditListQuery, dayStart, diffLines, emptyFilters, entryTargetLink,
  fillDays, isRevertable, parseAuditFilters, type AuditFilters,
} from '../audit'

const asRouted = (q: ReturnType<typeof auditFiltersQuery>) => q as LocationQuery

describe('audit filters in the URL', () => {
  it('round-trip every filter, and leave the empty ones out', () => {
    const f: AuditFilters = {
      category: 'row', user: 'anna', table: 'orders', row_key: '7', action: 'update',
      request_id: 'abc', text: 'paid', from: '2026-11-01', to: '2026-11-30',
    }
    expect(parseAuditFilters(asRouted(auditFiltersQuery(f)))).toEqual(f)
    expect(auditFiltersQuery({ ...emptyFilters(), category: 'flag' })).toEqual({ category: 'flag' })
    expect(auditFiltersQuery(emptyFilters())).toEqual({})
  })

  it('drop dates that are not days, and keep other query keys out', () => {
    const f = parseAuditFilters({ from: 'yesterday', to: '2026-02-03', entry: '12', text: ['a', 'b'] })
    expect(f).toEqual({ ...emptyFilters(), to: '2026-02-03', text: 'a' })
  })

  it('ask the API from the first day’s start to the end of the last day', () => {
    const q = auditListQuery({ ...emptyFilters(), table: 'orders', from: '2026-03-01', to: '2026-03-02' })
    expect(q).toEqual({ table: 'orders', from: new Date(2026, 2, 1).getTime(), to: new Date(2026, 2, 3).getTime() })
    expect(dayStart('2026-12-31', 1)).toBe(new Date(2027, 0, 1).getTime())
    expect(auditListQuery(emptyFilters())).toEqual({})
  })

  it('build the export link from the same filters', () => {
    const url = auditExportUrl('http://h/admin', { ...emptyFilters(), category: 'row', text: 'a b', request_id: 'r1' }, 'ndjson')
    const u = new URL(url)
    expect(u.pathname).toBe('/admin/api/v1/audit/export')
    expect(Object.fromEntries(u.searchParams)).toEqual({ format: 'ndjson', category: 'row', request_id: 'r1', text: 'a b' })
  })
})

describe('diff lines', () => {
  const entry = {
    before: { id: 1, name: 'Ann', notes: null },
    after: { id: 1, name: 'Anna', notes: '••••••' },
    changed: ['name', 'notes'],
  }

  it('show only the changed keys unless asked for all', () => {
    expect(diffLines(entry, false).map((l) => l.key)).toEqual(['name', 'notes'])
    const all = diffLines(entry, true)
    expect(all.map((l) => [l.key, l.changed])).toEqual([['id', false], ['name', true], ['notes', true]])
    expect(all[1]).toMatchObject({ before: 'Ann', after: 'Anna', inBefore: true, inAfter: true })
  })

  it('tell a missing side (an insert, a delete) from a null', () => {
    const [line] = diffLines({ before: null, after: { id: 2 }, changed: ['id'] }, false)
    expect(line).toMatchObject({ key: 'id', inBefore: false, inAfter: true, after: 2 })
    expect(diffLines({ before: null, after: null, changed: [] }, true)).toEqual([])
  })
})

describe('entries', () => {
  it('know which ones the server can revert', () => {
    expect(isRevertable({ category: 'row', action: 'update' })).toBe(true)
    expect(isRevertable({ category: 'row', action: 'delete' })).toBe(true)
    expect(isRevertable({ category: 'permission', action: 'import' })).toBe(true)
    expect(isRevertable({ category: 'flag', action: 'create' })).toBe(true)
    expect(isRevertable({ category: 'tracking', action: 'untrack' })).toBe(true)
    expect(isRevertable({ category: 'user', action: 'create' })).toBe(false)
    expect(isRevertable({ category: 'session', action: 'login' })).toBe(false)
    expect(isRevertable({ category: 'audit', action: 'purge' })).toBe(false)
  })

  it('link to the row they changed, or its table when it was deleted', () => {
    expect(entryTargetLink({ category: 'row', action: 'update', table: 'orders', row_key: '7' })).toEqual({ name: 'row', params: { table: 'orders', pk: '7' } })
    expect(entryTargetLink({ category: 'row', action: 'delete', table: 'orders', row_key: '7' })).toEqual({ name: 'table', params: { table: 'orders' } })
    expect(entryTargetLink({ category: 'flag', action: 'update', table: null, row_key: null })).toEqual({ name: 'settings-flags' })
    expect(entryTargetLink({ category: 'session', action: 'login', table: null, row_key: null })).toBeNull()
  })
})

describe('fillDays', () => {
  it('gives the last 14 days ending today, quiet days as zero', () => {
    const day = 86_400_000
    const today = Date.UTC(2026, 11, 2)
    const days = fillDays([{ day: today, count: 5 }, { day: today - 3 * day, count: 2 }], 14, today + 5 * 3_600_000)
    expect(days).toHaveLength(14)
    expect(days[0]!.day).toBe(today - 13 * day)
    expect(days.at(-1)).toEqual({ day: today, count: 5 })
    expect(days.map((d) => d.count).reduce((a, b) => a + b)).toBe(7)
    expect(days.filter((d) => d.count === 0)).toHaveLength(12)
  })
})
