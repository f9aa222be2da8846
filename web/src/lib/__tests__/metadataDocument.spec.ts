import { describe, expect, it } from 'vitest'
import type { DocumentChange, MetadataDocument } from '@/api/types'
import { changeSummary, changedKeys, documentCounts, documentFileName, parseDocument } from '../metadataDocument'

const doc: MetadataDocument = {
  rubbie_metadata: 1,
  resource_version: 7,
  backend: 'sqlite',
  tables: { orders: { tracked: true, metadata: { label: 'Orders' } }, logs: { tracked: false } },
  roles: [{ name: 'viewer', description: null }],
  permissions: [],
  saved_views: [],
}

describe('parseDocument', () => {
  it('accepts a document and explains what is not one', () => {
    expect(parseDocument(JSON.stringify(doc))).toEqual({ document: doc })
    expect(parseDocument('  ')).toHaveProperty('error')
    expect((parseDocument('{nope') as { error: string }).error).toMatch(/^Not JSON/)
    expect((parseDocument('[1]') as { error: string }).error).toMatch(/object/)
    expect((parseDocument('{"tables": {}}') as { error: string }).error).toMatch(/rubbie_metadata/)
  })
})

describe('changedKeys', () => {
  it('marks keys whose values differ, added or removed', () => {
    expect(changedKeys({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, d: true })).toEqual(['b', 'd'])
    expect(changedKeys(null, { tracked: true })).toEqual(['tracked'])
    expect(changedKeys({ x: 1 }, undefined)).toEqual(['x'])
  })
})

describe('changeSummary', () => {
  it('counts by action and leaves out empty ones', () => {
    const c = (action: string): DocumentChange => ({ section: 'roles', action, object: 'r' })
    expect(changeSummary([c('add'), c('add'), c('remove')])).toBe('2 added, 1 removed')
    expect(changeSummary([])).toBe('no changes')
  })
})

describe('documentCounts and documentFileName', () => {
  it('count what the document holds and name the download', () => {
    const counts = Object.fromEntries(documentCounts(doc).map((c) => [c.label, c.count]))
    expect(counts).toMatchObject({ tables: 2, tracked: 1, 'with metadata': 1, roles: 1, rules: 0 })
    expect(documentFileName(doc)).toBe('rubbie-metadata-sqlite-v7.json')
  })
})
