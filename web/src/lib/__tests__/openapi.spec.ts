import { describe, expect, it } from 'vitest'
import {
  buildUrl,
  checkSchema,
  groupByTag,
  jsonSyntaxError,
  listOperations,
  matchOperation,
  operationDraft,
  searchOperations,
  serverPrefix,
  skeleton,
  splitUrl,
  type OpenApiDoc,
} from '../openapi'

const DOC_URL = 'http://localhost:3000/admin/api/openapi.json'

const doc: OpenApiDoc = {
  openapi: '3.1.0',
  servers: [{ url: '/admin' }],
  tags: [{ name: 'tables' }, { name: 'flags' }, { name: 'shop' }],
  paths: {
    '/api/status': {
      servers: [{ url: '/' }],
      get: { tags: ['shop'], summary: 'Is the shop open?' },
    },
    '/api/v1/tables/{table}/rows': {
      get: {
        tags: ['tables'],
        summary: 'Lists rows',
        parameters: [
          { name: 'table', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer' } },
          { name: 'where', in: 'query', required: true, schema: { type: 'string' } },
        ],
      },
    },
    '/api/v1/flags': {
      post: {
        tags: ['flags'],
        summary: 'Creates a feature flag.',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/NewFlag' } } } },
      },
    },
  },
  components: {
    schemas: {
      NewFlag: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          description: { type: ['string', 'null'] },
          enabled: { type: ['boolean', 'null'] },
          owner: { $ref: '#/components/schemas/Owner' },
        },
      },
      Owner: {
        type: 'object',
        required: ['id'],
        properties: { id: { type: 'integer' }, kind: { type: 'string', enum: ['user', 'team'] }, tags: { type: 'array', items: { type: 'string' } } },
      },
      Tree: { type: 'object', properties: { child: { $ref: '#/components/schemas/Tree' } } },
    },
  },
}

describe('servers and URLs', () => {
  const ops = listOperations(doc, DOC_URL, '/fallback')

  it('uses the path-level server for host paths and the document server otherwise', () => {
    const byId = Object.fromEntries(ops.map((o) => [o.id, o]))
    expect(byId['GET /api/status']?.server).toBe('')
    expect(byId['GET /api/v1/tables/{table}/rows']?.server).toBe('/admin')
    expect(operationDraft(doc, byId['GET /api/status']!).path).toBe('/api/status')
    expect(operationDraft(doc, byId['POST /api/v1/flags']!).path).toBe('/admin/api/v1/flags')
  })

  it('falls back to the mount prefix when the document names no server', () => {
    const { servers: _none, ...bare } = doc
    const op = listOperations(bare, DOC_URL, '/admin').find((o) => o.path === '/api/v1/flags')
    expect(op?.server).toBe('/admin')
    expect(listOperations(bare, DOC_URL, '').find((o) => o.path === '/api/v1/flags')?.server).toBe('')
  })

  it('resolves relative and absolute server URLs', () => {
    expect(serverPrefix({ url: '/' }, DOC_URL, 'x')).toBe('')
    expect(serverPrefix({ url: '/admin/' }, DOC_URL, 'x')).toBe('/admin')
    expect(serverPrefix({ url: '..' }, DOC_URL, 'x')).toBe('/admin')
    expect(serverPrefix({ url: 'https://api.example.com/v2' }, DOC_URL, 'x')).toBe('https://api.example.com/v2')
    expect(serverPrefix({ url: '/{base}', variables: { base: { default: 'mnt' } } }, DOC_URL, 'x')).toBe('/mnt')
    expect(serverPrefix(undefined, DOC_URL, '/fb')).toBe('/fb')
  })

  it('substitutes path parameters (encoded) and appends enabled query rows', () => {
    const url = buildUrl('/admin/api/v1/tables/{table}/rows', { table: 'order items' }, [
      { name: 'where', value: '{"id":{"_eq":1}}', enabled: true },
      { name: 'limit', value: '10', enabled: false },
      { name: '', value: 'ignored', enabled: true },
      { name: 'offset', value: '', enabled: true },
    ])
    expect(url).toBe('/admin/api/v1/tables/order%20items/rows?where=%7B%22id%22%3A%7B%22_eq%22%3A1%7D%7D&offset=')
    expect(buildUrl('/x/{id}', {}, [])).toBe('/x/{id}')
    expect(buildUrl('/x?a=1', {}, [{ name: 'b', value: '2', enabled: true }])).toBe('/x?a=1&b=2')
  })

  it('prefills query rows from the operation (required ones on) and splits URLs back', () => {
    const op = ops.find((o) => o.id === 'GET /api/v1/tables/{table}/rows')!
    const d = operationDraft(doc, op)
    expect(d.pathParams).toEqual({ table: '' })
    expect(d.query).toEqual([
      { name: 'limit', value: '', enabled: false },
      { name: 'where', value: '', enabled: true },
    ])
    expect(splitUrl('/a/b?x=1&y=%20z')).toEqual({
      path: '/a/b',
      query: [
        { name: 'x', value: '1', enabled: true },
        { name: 'y', value: ' z', enabled: true },
      ],
    })
  })

  it('matches a concrete path back to its operation', () => {
    expect(matchOperation(ops, 'GET', '/admin/api/v1/tables/customers/rows')?.id).toBe('GET /api/v1/tables/{table}/rows')
    expect(matchOperation(ops, 'GET', '/admin/api/v1/tables/{table}/rows')?.id).toBe('GET /api/v1/tables/{table}/rows')
    expect(matchOperation(ops, 'POST', '/admin/api/v1/tables/customers/rows')).toBeNull()
    expect(matchOperation(ops, 'GET', '/api/status')?.tag).toBe('shop')
  })

  it('groups by tag in document order and searches path, summary and method', () => {
    expect(groupByTag(doc, ops).map((g) => g.tag)).toEqual(['tables', 'flags', 'shop'])
    expect(searchOperations(ops, '/api/status').map((o) => o.id)).toEqual(['GET /api/status'])
    expect(searchOperations(ops, 'post flag').map((o) => o.id)).toEqual(['POST /api/v1/flags'])
    expect(searchOperations(ops, 'SHOP open').map((o) => o.id)).toEqual(['GET /api/status'])
    expect(searchOperations(ops, '')).toHaveLength(3)
  })
})

describe('body skeleton', () => {
  it('builds a skeleton through $ref with every property', () => {
    expect(skeleton(doc, { $ref: '#/components/schemas/NewFlag' })).toEqual({
      name: '',
      description: '',
      enabled: false,
      owner: { id: 0, kind: 'user', tags: [] },
    })
  })

  it('prefers examples and defaults, and stops at cycles', () => {
    expect(skeleton(doc, { type: 'object', properties: { a: { type: 'integer', default: 5 } }, example: { a: 1 } })).toEqual({ a: 1 })
    expect(skeleton(doc, { type: 'object', properties: { a: { type: 'integer', default: 5 } } })).toEqual({ a: 5 })
    expect(skeleton(doc, { $ref: '#/components/schemas/Tree' })).toEqual({ child: null })
    expect(skeleton(doc, { oneOf: [{ type: 'null' }, { type: 'string' }] })).toBe('')
    expect(skeleton(doc, { allOf: [{ properties: { a: { type: 'string' } } }, { properties: { b: { type: 'boolean' } } }] })).toEqual({ a: '', b: false })
  })

  it('uses the media type example for the draft body', () => {
    const withExample: OpenApiDoc = {
      paths: { '/x': { post: { requestBody: { content: { 'application/json': { example: { hello: 'world' } } } } } } },
    }
    const [op] = listOperations(withExample, DOC_URL, '')
    expect(JSON.parse(operationDraft(withExample, op!).body)).toEqual({ hello: 'world' })
  })
})

describe('schema check', () => {
  const schema = { $ref: '#/components/schemas/NewFlag' }

  it('accepts a matching value', () => {
    expect(checkSchema(doc, schema, { name: 'a', description: null, owner: { id: 1, kind: 'team' } })).toEqual([])
  })

  it('reports missing required properties, wrong types and enum values', () => {
    expect(checkSchema(doc, schema, { description: 5, enabled: 'yes', owner: { kind: 'org', tags: ['a', 1] } })).toEqual([
      'body.name: required property is missing',
      'body.description: expected string or null, got integer',
      'body.enabled: expected boolean or null, got string',
      'body.owner.id: required property is missing',
      'body.owner.kind: must be one of "user", "team"',
      'body.owner.tags[1]: expected string, got integer',
    ])
    expect(checkSchema(doc, schema, [])).toEqual(['body: expected object, got array'])
  })

  it('treats integers as numbers and needs one oneOf branch to pass', () => {
    expect(checkSchema(doc, { type: 'number' }, 3)).toEqual([])
    expect(checkSchema(doc, { type: 'integer' }, 3.5)).toEqual(['body: expected integer, got number'])
    expect(checkSchema(doc, { oneOf: [{ type: 'string' }, { type: 'null' }] }, null)).toEqual([])
    expect(checkSchema(doc, { oneOf: [{ type: 'string' }, { type: 'null' }] }, 1)).toEqual(['body: does not match any allowed shape'])
  })

  it('reports JSON syntax errors', () => {
    expect(jsonSyntaxError('{"a": 1}')).toBeNull()
    expect(jsonSyntaxError('   ')).toBeNull()
    expect(jsonSyntaxError('{"a": }')).toMatch(/JSON|Unexpected/)
  })
})
