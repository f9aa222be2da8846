// A stand-in for test_project, for developing the SPA and this suite without the Rust server:
// serves rubbie-vue/dist at /admin/ (with the <base href> rewrite and SPA fallback) and a small
// in-memory version of the JSON API. NOT the contract: the real server is the judge.
//
//   node mock-server.mjs            # PORT=8123, MOUNT=/admin/, user admin / admin
import { createServer } from 'node:http'
import { readFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'

const PORT = Number(process.env.PORT ?? 8123)
const MOUNT = process.env.MOUNT ?? '/admin/'
const DIST = fileURLToPath(new URL('../../rubbie-vue/dist/', import.meta.url))
const USER = { id: 1, username: process.env.RUBBIE_E2E_USERNAME ?? 'admin', role: 'admin' }
const PASSWORD = process.env.RUBBIE_E2E_PASSWORD ?? 'admin'

// ---- data ----
const col = (name, kind, type, extra = {}) => ({
  name, label: name, type, kind, nullable: false, default: null, primary_key: false,
  auto_increment: false, hidden: false, readonly: false, enum_values: null, references: null, ...extra,
})
const idCol = () => col('id', 'integer', 'integer', { primary_key: true, auto_increment: true })
const fk = (name, columns, table, refs) => ({ name, columns, references_table: table, references_columns: refs })

const first = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Kim', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul']
const last = ['Schmidt', 'Miller', 'Novak', 'Rossi', 'Dubois', 'Berg', 'Jensen', 'Kowalski', 'Lind', 'Petrov', 'Quinn', 'Ortiz']
const customers = Array.from({ length: 137 }, (_, i) => ({
  id: i + 1,
  name: `${first[i % first.length]} ${last[(i * 7) % last.length]}`,
  email: `user${i + 1}@example.com`,
  active: i % 5 !== 0,
  notes: i % 3 === 0 ? null : `Customer since ${2015 + (i % 9)}`,
  meta: { tier: ['bronze', 'silver', 'gold'][i % 3], tags: ['a', 'b'].slice(0, i % 3) },
  created_at: new Date(Date.UTC(2023, i % 12, (i % 27) + 1, 10, i % 60)).toISOString(),
}))
const categories = ['Lamps', 'Chairs', 'Tables', 'Rugs', 'Shelves'].map((name, i) => ({ id: i + 1, name, parent_id: null }))
const products = Array.from({ length: 40 }, (_, i) => ({
  id: i + 1, name: `${['Oak', 'Pine', 'Steel', 'Glass'][i % 4]} ${categories[i % 5].name.slice(0, -1)} ${i + 1}`,
  price: ((i * 37) % 500 + 9.99).toFixed(2), stock: (i * 13) % 70, category_id: (i % 5) + 1,
  status: ['draft', 'live', 'archived'][i % 3],
}))
const orders = Array.from({ length: 80 }, (_, i) => ({
  id: i + 1, customer_id: (i % 137) + 1, status: ['new', 'paid', 'shipped'][i % 3],
  total: ((i * 53) % 900 + 20).toFixed(2), placed_at: new Date(Date.UTC(2024, i % 12, (i % 27) + 1)).toISOString(),
}))
const order_items = orders.flatMap((o) => [1, 2].map((k) => ({ order_id: o.id, product_id: ((o.id * k) % 40) + 1, quantity: k, unit_price: '19.99' })))

const tables = {
  customers: { label: 'Customer', source: 'model', rows: customers, primary_key: ['id'], columns: [idCol(), col('name', 'text', 'varchar(255)'), col('email', 'text', 'varchar(255)'), col('active', 'boolean', 'boolean'), col('notes', 'text', 'text', { nullable: true }), col('meta', 'json', 'json', { nullable: true }), col('created_at', 'datetime', 'timestamp', { readonly: true })], foreign_keys: [], referenced_by: [fk('orders_customer_id_fkey', ['customer_id'], 'orders', ['id'])] },
  categories: { label: 'Category', source: 'introspected', rows: categories, primary_key: ['id'], columns: [idCol(), col('name', 'text', 'varchar(100)'), col('parent_id', 'integer', 'integer', { nullable: true, references: { table: 'categories', column: 'id' } })], foreign_keys: [fk('categories_parent_fkey', ['parent_id'], 'categories', ['id'])], referenced_by: [fk('products_category_id_fkey', ['category_id'], 'products', ['id'])] },
  products: { label: 'Product', source: 'model', rows: products, primary_key: ['id'], columns: [idCol(), col('name', 'text', 'varchar(255)'), col('price', 'decimal', 'numeric(10,2)'), col('stock', 'integer', 'integer'), col('category_id', 'integer', 'integer', { nullable: true, references: { table: 'categories', column: 'id' } }), col('status', 'enum', 'varchar(20)', { enum_values: ['draft', 'live', 'archived'] })], foreign_keys: [fk('products_category_id_fkey', ['category_id'], 'categories', ['id'])], referenced_by: [] },
  orders: { label: 'Order', source: 'model', rows: orders, primary_key: ['id'], columns: [idCol(), col('customer_id', 'integer', 'integer', { references: { table: 'customers', column: 'id' } }), col('status', 'text', 'varchar(20)'), col('total', 'decimal', 'numeric(10,2)'), col('placed_at', 'datetime', 'timestamptz')], foreign_keys: [fk('orders_customer_id_fkey', ['customer_id'], 'customers', ['id'])], referenced_by: [fk('order_items_order_id_fkey', ['order_id'], 'order_items', ['id'])] },
  order_items: { label: 'Order item', source: 'introspected', rows: order_items, primary_key: ['order_id', 'product_id'], columns: [col('order_id', 'integer', 'integer', { primary_key: true, references: { table: 'orders', column: 'id' } }), col('product_id', 'integer', 'integer', { primary_key: true, references: { table: 'products', column: 'id' } }), col('quantity', 'integer', 'integer'), col('unit_price', 'decimal', 'numeric(10,2)')], foreign_keys: [], referenced_by: [] },
}

// ---- helpers ----
const sessions = new Map() // sid -> csrf
const send = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(body === undefined ? undefined : JSON.stringify(body))
}
const fail = (res, status, code, message, fields) => send(res, status, { error: { code, message, ...(fields ? { fields } : {}) } })
const cookieSid = (req) => /(?:^|;\s*)rubbie_session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1]
const readBody = async (req) => { let s = ''; for await (const c of req) s += c; return s ? JSON.parse(s) : undefined }
const keyOf = (row, pk) => pk.length === 1 ? String(row[pk[0]]) : pk.map((c) => String(row[c]).replace(/~/g, '~7E').replace(/,/g, '~2C')).join(',')

function matches(row, w) {
  return Object.entries(w).every(([k, v]) => {
    if (k === '_and') return v.every((x) => matches(row, x))
    if (k === '_or') return v.some((x) => matches(row, x))
    if (k === '_not') return !matches(row, v)
    const val = row[k]
    return Object.entries(v).every(([op, arg]) => {
      const like = (s, p, ci) => new RegExp('^' + p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.') + '$', ci ? 'i' : '').test(String(s))
      switch (op) {
        case '_eq': return val == arg
        case '_neq': return val != arg
        case '_gt': return val > arg
        case '_gte': return val >= arg
        case '_lt': return val < arg
        case '_lte': return val <= arg
        case '_in': return arg.some((a) => a == val)
        case '_nin': return !arg.some((a) => a == val)
        case '_like': return val != null && like(val, arg, false)
        case '_nlike': return val != null && !like(val, arg, false)
        case '_ilike': return val != null && like(val, arg, true)
        case '_nilike': return val != null && !like(val, arg, true)
        case '_is_null': return (val === null) === arg
        default: throw new Error(`unknown operator ${op}`)
      }
    })
  })
}

function validate(t, body) {
  const fields = {}
  for (const k of Object.keys(body)) if (!t.columns.some((c) => c.name === k)) fields[k] = ['unknown column']
  if (t === tables.products && body.price !== undefined && Number(body.price) < 0) fields.price = ['must be greater than or equal to 0']
  return Object.keys(fields).length ? fields : null
}

async function api(req, res, path, url) {
  const method = req.method
  if (path === 'api/v1/health') return send(res, 200, { status: 'ok', database: 'ok', backend: 'sqlite', version: '0.1.0' })
  if (path === 'api/v1/auth/login' && method === 'POST') {
    const b = await readBody(req)
    if (b?.username !== USER.username || b?.password !== PASSWORD) return fail(res, 401, 'unauthorized', 'invalid username or password')
    const sid = randomBytes(12).toString('hex'); const csrf = randomBytes(12).toString('hex')
    sessions.set(sid, csrf)
    return send(res, 200, { user: USER, csrf_token: csrf }, { 'Set-Cookie': `rubbie_session=${sid}; Path=${MOUNT}; HttpOnly; SameSite=Lax` })
  }
  const sid = cookieSid(req)
  if (!sid || !sessions.has(sid)) return fail(res, 401, 'unauthorized', 'not signed in')
  if (method !== 'GET' && req.headers['x-csrf-token'] !== sessions.get(sid)) return fail(res, 403, 'csrf', 'missing or wrong CSRF token')
  if (path === 'api/v1/auth/me') return send(res, 200, { user: USER, csrf_token: sessions.get(sid) })
  if (path === 'api/v1/auth/logout' && method === 'POST') { sessions.delete(sid); return send(res, 204) }
  if (path === 'api/v1/tables') {
    return send(res, 200, { tables: Object.entries(tables).map(([name, t]) => ({ name, label: t.label, primary_key: t.primary_key, source: t.source, row_estimate: t.rows.length })) })
  }
  const m = /^api\/v1\/tables\/([^/]+)(\/rows(?:\/([^/]+))?)?$/.exec(path)
  const t = m && tables[decodeURIComponent(m[1])]
  if (!t) return fail(res, 404, 'not_found', 'no such table')
  const name = decodeURIComponent(m[1])
  if (!m[2]) return send(res, 200, { name, label: t.label, primary_key: t.primary_key, source: t.source, columns: t.columns, foreign_keys: t.foreign_keys, referenced_by: t.referenced_by, indexes: [] })
  if (m[3] === undefined) {
    if (method === 'GET') {
      let rows = t.rows
      try {
        const where = url.searchParams.get('where')
        if (where) rows = rows.filter((r) => matches(r, JSON.parse(where)))
      } catch (e) { return fail(res, 400, 'bad_request', `where: ${e.message}`) }
      const order = url.searchParams.get('order_by')
      if (order) {
        const [c, dir] = order.startsWith('-') ? [order.slice(1), -1] : [order.split(',')[0], 1]
        rows = [...rows].sort((a, b) => (a[c] < b[c] ? -dir : a[c] > b[c] ? dir : 0))
      }
      const limit = Number(url.searchParams.get('limit') ?? 50); const offset = Number(url.searchParams.get('offset') ?? 0)
      const count = url.searchParams.get('count') === 'none' ? null : rows.length
      await new Promise((r) => setTimeout(r, 60))
      return send(res, 200, { rows: rows.slice(offset, offset + limit), count, count_kind: count === null ? null : 'exact', next_cursor: null })
    }
    if (method === 'POST') {
      const body = await readBody(req); const fields = validate(t, body)
      if (fields) return fail(res, 422, 'validation', 'invalid row', fields)
      const row = { ...Object.fromEntries(t.columns.map((c) => [c.name, null])), ...body }
      if (t.primary_key[0] === 'id') row.id = Math.max(0, ...t.rows.map((r) => r.id)) + 1
      t.rows.push(row)
      return send(res, 201, row)
    }
  }
  const key = decodeURIComponent(m[3])
  const row = t.rows.find((r) => keyOf(r, t.primary_key) === key)
  if (!row) return fail(res, 404, 'not_found', `no row ${key}`)
  if (method === 'GET') return send(res, 200, row)
  if (method === 'PATCH') {
    const body = await readBody(req); const fields = validate(t, body)
    if (fields) return fail(res, 422, 'validation', `${name}: check constraint failed`, fields)
    Object.assign(row, body)
    return send(res, 200, row)
  }
  if (method === 'DELETE') { t.rows.splice(t.rows.indexOf(row), 1); return send(res, 204) }
  return fail(res, 405, 'bad_request', 'method not allowed')
}

const TYPES = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html; charset=utf-8', '.svg': 'image/svg+xml' }

createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x')
    if (!url.pathname.startsWith(MOUNT)) {
      res.writeHead(302, { Location: MOUNT }); return res.end()
    }
    const path = url.pathname.slice(MOUNT.length)
    if (path.startsWith('api/')) return await api(req, res, path, url)
    if (path.startsWith('assets/')) {
      const file = normalize(join(DIST, path))
      if (!file.startsWith(DIST)) return fail(res, 404, 'not_found', 'no such asset')
      const data = await readFile(file).catch(() => null)
      if (!data) return fail(res, 404, 'not_found', 'no such asset')
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' })
      return res.end(data)
    }
    const html = (await readFile(join(DIST, 'index.html'), 'utf8')).replace('<base href="./" />', `<base href="${MOUNT}" />`)
    res.writeHead(200, { 'Content-Type': TYPES['.html'], 'Cache-Control': 'no-cache' })
    res.end(html)
  } catch (e) {
    console.error(e)
    fail(res, 500, 'internal', 'internal error')
  }
}).listen(PORT, '127.0.0.1', () => console.log(`mock rubbie on http://127.0.0.1:${PORT}${MOUNT}`))
