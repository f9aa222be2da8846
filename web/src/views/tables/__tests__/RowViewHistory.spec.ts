import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { Router } from 'vue-router'
import { type Call, freshApp, mockFetch } from '@/__tests__/fetch-mock'
import { column } from '@/__tests__/columns'
import { auditEntry } from '@/__tests__/audit-entries'
import { mountAt } from '@/__tests__/mount-route'
import RowView from '../RowView.vue'

const schema = {
  name: 'customers', label: 'Customer', primary_key: ['id'], source: 'model',
  columns: [column('id', 'integer', { primary_key: true, auto_increment: true }), column('name', 'text')],
  foreign_keys: [], referenced_by: [], indexes: [],
}

let w: VueWrapper | null = null
let router: Router

async function open(path: string) {
  ;({ w, router } = await mountAt(path, [
    { path: '/tables/:table', name: 'table', component: { template: '<div />' } },
    { path: '/tables/:table/new', name: 'row-new', component: RowView, props: true },
    { path: '/tables/:table/rows/:pk', name: 'row', component: RowView, props: true },
    { path: '/activity', name: 'activity', component: { template: '<div />' } },
  ]))
}

describe('RowView: history', () => {
  freshApp(() => {
    w?.unmount()
    w = null
  })

  it('the History tab lists the row’s entries with their diffs; a revert reloads the row and the history', async () => {
    let name = 'Anna'
    const { calls } = mockFetch({
      'GET /api/v1/tables/customers': { status: 200, body: schema },
      'GET /api/v1/tables/customers/rows/1': () => ({ status: 200, body: { id: 1, name } }),
      'GET /api/v1/audit': () => ({
        status: 200,
        body: {
          entries: name === 'Ann' ? [auditEntry(9, { reverts_id: 2, before: { name: 'Anna' } as never, after: { name: 'Ann' } as never }), auditEntry(2)] : [auditEntry(2)],
          next_cursor: null,
        },
      }),
      'POST /api/v1/audit/2/revert': (c: Call) => {
        const dry = (c.body as { dry_run: boolean }).dry_run
        if (!dry) name = 'Ann'
        return { status: 200, body: { entry_id: 2, dry_run: dry, action: 'update', table: 'customers', row_key: '1', values: { name: 'Ann' }, expected: { name: 'Anna' }, conflicts: [] } }
      },
    })
    await open('/tables/customers/rows/1')
    expect(w!.find('[data-testid="row-history"]').exists()).toBe(false)
    expect(calls.some((c) => c.path === '/api/v1/audit')).toBe(false)

    await w!.find('[data-testid="row-tab-history"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ tab: 'history' })
    const list = calls.find((c) => c.path === '/api/v1/audit')!
    expect(Object.fromEntries(list.search)).toEqual({ table: 'customers', row_key: '1' })
    const entries = w!.findAll('[data-testid="history-entry"]')
    expect(entries).toHaveLength(1)
    expect(entries[0]!.find('[data-testid="diff-line-name"] .diff-after').text()).toBe('Anna')

    await entries[0]!.find('[data-testid="audit-revert"]').trigger('click')
    await flushPromises()
    await w!.find('[data-testid="revert-confirm"]').trigger('click')
    await flushPromises()
    const rowLoads = calls.filter((c) => c.path === '/api/v1/tables/customers/rows/1')
    expect(rowLoads).toHaveLength(2)
    expect(w!.findAll('[data-testid="history-entry"]')).toHaveLength(2)
    expect(w!.find('[data-testid="audit-reverts"]').text()).toBe('reverts #2')

    await w!.find('[data-testid="row-tab-row"]').trigger('click')
    await flushPromises()
    expect((w!.find('[data-testid="field-name"]').element as HTMLInputElement).value).toBe('Ann')
  })

  it('a deleted row still has its history, and no tabs show on a new row', async () => {
    mockFetch({
      'GET /api/v1/tables/customers': { status: 200, body: schema },
      'GET /api/v1/tables/customers/rows/5': { status: 404, body: { error: { code: 'not_found', message: 'no row' } } },
      'GET /api/v1/audit': { status: 200, body: { entries: [auditEntry(3, { action: 'delete', row_key: '5', after: null })], next_cursor: null } },
    })
    await open('/tables/customers/rows/5')
    expect(w!.find('[data-testid="row-error"]').text()).toBe('Row 5 not found in customers.')
    await w!.find('[data-testid="row-gone-history"]').trigger('click')
    await flushPromises()
    expect(w!.find('[data-testid="history-entry"] [data-testid="audit-action"]').text()).toBe('delete')
    expect(w!.find('[data-testid="row-error"]').exists()).toBe(false)

    w!.unmount()
    await open('/tables/customers/new')
    expect(w!.find('[data-testid="row-tab-history"]').exists()).toBe(false)
  })
})
