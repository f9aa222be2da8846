import { describe, expect, it } from 'vitest'
import { APPLIES, draftToRule, presetsToRows, ruleLevel, ruleToDraft, rowsToPresets } from '../rules'

describe('ruleLevel', () => {
  it('none without a rule', () => {
    expect(ruleLevel(null)).toBe('none')
    expect(ruleLevel(undefined)).toBe('none')
  })

  it('full: every column and no restriction (empty parts count as none)', () => {
    expect(ruleLevel({ columns: '*' })).toBe('full')
    expect(ruleLevel({})).toBe('full')
    expect(ruleLevel({ columns: '*', filter: null, check: {}, presets: {}, limit: null })).toBe('full')
  })

  it('partial: any restriction', () => {
    expect(ruleLevel({ columns: ['id', 'name'] })).toBe('partial')
    expect(ruleLevel({ columns: '*', filter: { country: { _eq: 'DE' } } })).toBe('partial')
    expect(ruleLevel({ columns: '*', check: { total: { _gte: 0 } } })).toBe('partial')
    expect(ruleLevel({ columns: '*', presets: { owner_id: 'X-Rubbie-User-Id' } })).toBe('partial')
    expect(ruleLevel({ columns: '*', limit: 100 })).toBe('partial')
    expect(ruleLevel({ columns: '*', limit: 0 })).toBe('partial')
  })
})

describe('rule drafts', () => {
  const names = ['id', 'name', 'email', 'country']

  it('only the parts that apply to each operation', () => {
    expect(APPLIES.select).toEqual(['columns', 'filter', 'limit'])
    expect(APPLIES.insert).toEqual(['columns', 'check', 'presets'])
    expect(APPLIES.update).toEqual(['columns', 'filter', 'check', 'presets'])
    expect(APPLIES.delete).toEqual(['filter'])
  })

  it('a new rule starts as every column, nothing else', () => {
    const d = ruleToDraft(null, names)
    expect(d).toEqual({ allColumns: true, columns: names, filter: null, check: null, presets: [], limit: '' })
    expect(draftToRule(d, 'select')).toEqual({ rule: { columns: '*' }, errors: {} })
  })

  it('round-trips a stored rule', () => {
    const rule = {
      columns: ['id', 'name'],
      filter: { id: { _eq: 'X-Rubbie-User-Id' } },
      check: { name: { _neq: '' } },
      presets: { country: 'DE', owner: 'X-Rubbie-Username' },
    }
    expect(draftToRule(ruleToDraft(rule, names), 'update').rule).toEqual(rule)
  })

  it('drops parts that do not apply to the operation', () => {
    const d = ruleToDraft({ columns: ['id'], filter: { id: { _gt: 1 } }, limit: 5 }, names)
    d.check = { id: { _gt: 0 } }
    d.presets = [{ column: 'country', session: null, value: '"DE"' }]
    expect(draftToRule(d, 'select').rule).toEqual({ columns: ['id'], filter: { id: { _gt: 1 } }, limit: 5 })
    expect(draftToRule(d, 'insert').rule).toEqual({ columns: ['id'], check: { id: { _gt: 0 } }, presets: { country: 'DE' } })
    expect(draftToRule(d, 'delete').rule).toEqual({ columns: '*', filter: { id: { _gt: 1 } } })
  })

  it('reports a bad limit and bad preset JSON per part', () => {
    const d = ruleToDraft(null, names)
    d.limit = '-3'
    expect(draftToRule(d, 'select').errors.limit).toHaveLength(1)
    d.presets = [{ column: 'country', session: null, value: 'DE' }]
    expect(draftToRule(d, 'insert').errors.presets?.[0]).toContain('country')
  })

  it('presets: JSON values and session variables', () => {
    const rows = presetsToRows({ n: 1, s: 'x', u: 'X-Rubbie-User-Id', z: null })
    expect(rows).toEqual([
      { column: 'n', session: null, value: '1' },
      { column: 's', session: null, value: '"x"' },
      { column: 'u', session: 'X-Rubbie-User-Id', value: '' },
      { column: 'z', session: null, value: 'null' },
    ])
    expect(rowsToPresets(rows)).toEqual({ presets: { n: 1, s: 'x', u: 'X-Rubbie-User-Id', z: null }, errors: [] })
  })
})
