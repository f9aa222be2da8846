import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import RuleEditor from '../RuleEditor.vue'
import type { Column, Operation, Rule } from '@/api/types'
import { useAuthStore } from '@/stores/auth'
import { configureApi } from '@/api/client'
import { mockFetch } from '@/__tests__/fetch-mock'

const col = (name: string, kind: Column['kind'] = 'text', primary_key = false): Column => ({
  name, label: name, type: kind === 'integer' ? 'INTEGER' : 'TEXT', kind, nullable: false, default: null,
  primary_key, auto_increment: primary_key, hidden: false, readonly: false, generated: false, enum_values: null, references: null,
})
const columns = [col('id', 'integer', true), col('name'), col('email'), col('country')]
const PUT = 'PUT /api/v1/permissions/support/customers/'

const mounted: { unmount(): void }[] = []

function editor(operation: Operation, rule: Rule | null = null) {
  const w = mount(RuleEditor, {
    props: { role: 'support', table: 'customers', operation, columns, rule, previewDelay: 0 },
    attachTo: document.body,
  })
  mounted.push(w)
  return w
}

const parts = (w: ReturnType<typeof editor>) =>
  ['columns', 'filter', 'check', 'presets', 'limit'].filter((p) => w.find(`[data-testid="rule-part-${p}"]`).exists())

describe('RuleEditor', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    const auth = useAuthStore()
    auth.csrfToken = 'tok'
    configureApi({ csrfToken: () => auth.csrfToken, onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => {
    // pending previews of earlier editors must not reach the next test's fetch mock
    mounted.splice(0).forEach((w) => w.unmount())
    vi.unstubAllGlobals()
    document.body.innerHTML = ''
  })

  it('shows only the parts that apply to the operation', () => {
    mockFetch({ 'POST /api/v1/permissions/preview': { status: 200, body: { rows: [], count: 0 } } })
    expect(parts(editor('select'))).toEqual(['columns', 'filter', 'limit'])
    expect(parts(editor('insert'))).toEqual(['columns', 'check', 'presets'])
    expect(parts(editor('update'))).toEqual(['columns', 'filter', 'check', 'presets'])
    expect(parts(editor('delete'))).toEqual(['filter'])
    expect(editor('select').find('[data-testid="rule-preview"]').exists()).toBe(true)
    expect(editor('update').find('[data-testid="rule-preview"]').exists()).toBe(false)
  })

  it('saves the columns and a filter built in the UI as the PUT body', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/permissions/preview': { status: 200, body: { rows: [{ id: 1, name: 'A', country: 'DE' }], count: 1, count_kind: 'exact' } },
      [`${PUT}select`]: (c) => ({ status: 200, body: { role: 'support', table: 'customers', operation: 'select', rule: c.body } }),
    })
    const w = editor('select')
    await w.find('[data-testid="rule-all-columns"]').setValue(false)
    await w.find('[data-testid="rule-column-email"]').setValue(false)
    await w.find('[data-testid="rule-filter-add-condition"]').trigger('click')
    await w.find('[data-testid="rule-filter-column"]').setValue('country')
    await w.find('[data-testid="rule-filter-op"]').setValue('_eq')
    await w.find('[data-testid="rule-filter-value"]').setValue('DE')
    await w.find('[data-testid="rule-limit"]').setValue('50')
    await w.find('[data-testid="rule-save"]').trigger('click')
    await flushPromises()

    const put = calls.find((c) => c.method === 'PUT')!
    expect(put.path).toBe('/api/v1/permissions/support/customers/select')
    expect(put.headers.get('X-CSRF-Token')).toBe('tok')
    expect(put.body).toEqual({ columns: ['id', 'name', 'country'], filter: { country: { _eq: 'DE' } }, limit: 50 })
    expect(w.emitted('saved')).toHaveLength(1)
  })

  it('asks for a preview of the draft and shows the count and rows', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/permissions/preview': { status: 200, body: { rows: [{ id: 7, name: 'Ada', country: 'DE' }], count: 12, count_kind: 'exact' } },
    })
    const w = editor('select', { columns: ['id', 'name', 'country'], filter: { country: { _eq: 'DE' } } })
    await new Promise((r) => setTimeout(r, 5))
    await flushPromises()
    const preview = calls.find((c) => c.path === '/api/v1/permissions/preview')!
    expect(preview.body).toEqual({
      role: 'support', table: 'customers', limit: 10,
      rule: { columns: ['id', 'name', 'country'], filter: { country: { _eq: 'DE' } } },
    })
    expect(w.find('[data-testid="rule-preview-count"]').text()).toContain('12 rows')
    expect(w.findAll('[data-testid="rule-preview-row"]')).toHaveLength(1)
    expect(w.find('[data-testid="rule-preview-cell-name"]').text()).toBe('Ada')
  })

  it('insert/update: sends check and presets (JSON values and session variables)', async () => {
    const { calls } = mockFetch({
      [`${PUT}update`]: (c) => ({ status: 200, body: { role: 'support', table: 'customers', operation: 'update', rule: c.body } }),
    })
    const w = editor('update', {
      columns: '*',
      filter: { id: { _eq: 'X-Rubbie-User-Id' } },
      presets: { country: 'DE' },
    })
    // the stored filter shows its session variable in the builder
    expect((w.find('[data-testid="rule-filter-source"]').element as HTMLSelectElement).value).toBe('X-Rubbie-User-Id')
    await w.find('[data-testid="rule-preset-add"]').trigger('click')
    const rows = w.findAll('[data-testid="rule-preset"]')
    await rows[1]!.find('[data-testid="rule-preset-column"]').setValue('name')
    await rows[1]!.find('[data-testid="rule-preset-source"]').setValue('X-Rubbie-Username')
    await w.find('[data-testid="rule-check-mode-json"]').trigger('click')
    await w.find('[data-testid="rule-check-json"]').setValue('{"name": {"_neq": ""}}')
    await w.find('[data-testid="rule-save"]').trigger('click')
    await flushPromises()
    expect(calls.find((c) => c.method === 'PUT')?.body).toEqual({
      columns: '*',
      filter: { id: { _eq: 'X-Rubbie-User-Id' } },
      check: { name: { _neq: '' } },
      presets: { country: 'DE', name: 'X-Rubbie-Username' },
    })
  })

  it('shows the server’s 422 field errors under their parts', async () => {
    mockFetch({
      [`${PUT}delete`]: {
        status: 422,
        body: { error: { code: 'validation', message: 'filter: bad', fields: { filter: ['where.nope: "nope" is neither a column nor a relation of customers'] } } },
      },
    })
    const w = editor('delete')
    await w.find('[data-testid="rule-filter-mode-json"]').trigger('click')
    await w.find('[data-testid="rule-filter-json"]').setValue('{"nope": {"_eq": 1}}')
    await w.find('[data-testid="rule-save"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="rule-field-error-filter"]').text()).toContain('neither a column nor a relation')
    expect(w.emitted('saved')).toBeUndefined()
  })

  it('invalid JSON is flagged and blocks saving', async () => {
    const { calls } = mockFetch({})
    const w = editor('delete')
    await w.find('[data-testid="rule-filter-mode-json"]').trigger('click')
    await w.find('[data-testid="rule-filter-json"]').setValue('{"id": ')
    expect(w.find('[data-testid="rule-filter-json-error"]').text()).toContain('Not valid JSON')
    expect(w.find('[data-testid="rule-save"]').attributes('disabled')).toBeDefined()
    await w.find('[data-testid="rule-save"]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(0)
  })

  it('removes an existing rule with DELETE', async () => {
    const { calls } = mockFetch({ 'DELETE /api/v1/permissions/support/customers/delete': { status: 204 } })
    const w = editor('delete', { columns: '*' })
    await w.find('[data-testid="rule-remove"]').trigger('click')
    await w.find('[data-testid="rule-remove-confirm"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain('DELETE /api/v1/permissions/support/customers/delete')
    expect(w.emitted('saved')).toHaveLength(1)
  })
})
