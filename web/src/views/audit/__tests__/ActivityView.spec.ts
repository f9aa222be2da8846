import { describe, expect, it } from 'vitest'
import { flushPromises, type VueWrapper } from '@vue/test-utils'
import type { Router } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { type Call, freshApp, mockFetch } from '@/__tests__/fetch-mock'
import { auditEntry, entryTargetRoutes } from '@/__tests__/audit-entries'
import { mountAt } from '@/__tests__/mount-route'
import ActivityView from '../ActivityView.vue'

let w: VueWrapper | null = null
let router: Router

async function open(path: string, role = 'admin') {
  useAuthStore().user = { id: 1, username: 'admin', role }
  ;({ w, router } = await mountAt(path, [{ path: '/activity', name: 'activity', component: ActivityView }, ...entryTargetRoutes]))
}

const listCalls = (calls: Call[]) => calls.filter((c) => c.method === 'GET' && c.path === '/api/v1/audit')
const shownIds = () => w!.findAll('[data-testid="audit-entry"]').map((r) => Number(r.attributes('data-entry-id')))

describe('ActivityView', () => {
  freshApp(() => {
    w?.unmount()
    w = null
  })

  it('asks for what the URL filters, and a filter change goes into the URL', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/audit': { status: 200, body: { entries: [auditEntry(3), auditEntry(2)], next_cursor: null } },
    })
    await open('/activity?category=row&user=anna&from=2026-11-01&to=2026-11-02')
    const first = listCalls(calls)[0]!
    expect(Object.fromEntries(first.search)).toEqual({
      category: 'row', user: 'anna',
      from: String(new Date(2026, 10, 1).getTime()), to: String(new Date(2026, 10, 3).getTime()),
    })
    expect((w!.find('[data-testid="filter-category"]').element as HTMLSelectElement).value).toBe('row')
    expect((w!.find('[data-testid="filter-user"]').element as HTMLInputElement).value).toBe('anna')
    expect(shownIds()).toEqual([3, 2])

    await w!.find('[data-testid="filter-action"]').setValue('delete')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ category: 'row', user: 'anna', action: 'delete', from: '2026-11-01', to: '2026-11-02' })
    expect(listCalls(calls).at(-1)!.search.get('action')).toBe('delete')

    await w!.find('[data-testid="filter-text"]').setValue('paid')
    await w!.find('[data-testid="audit-filters"]').trigger('submit')
    await flushPromises()
    expect(router.currentRoute.value.query.text).toBe('paid')

    await w!.find('[data-testid="filter-clear"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({})
    expect([...listCalls(calls).at(-1)!.search.keys()]).toEqual([])
  })

  it('loads more along the cursor', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/audit': (c) =>
        c.search.get('cursor') === 'c2'
          ? { status: 200, body: { entries: [auditEntry(1)], next_cursor: null } }
          : { status: 200, body: { entries: [auditEntry(3), auditEntry(2)], next_cursor: 'c2' } },
    })
    await open('/activity?table=customers')
    await w!.find('[data-testid="audit-load-more"]').trigger('click')
    await flushPromises()
    expect(Object.fromEntries(listCalls(calls).at(-1)!.search)).toEqual({ table: 'customers', cursor: 'c2' })
    expect(shownIds()).toEqual([3, 2, 1])
    expect(w!.find('[data-testid="audit-load-more"]').exists()).toBe(false)
  })

  it('selecting an entry puts it in the URL and shows its diff; a link to an older one asks for it', async () => {
    const { calls } = mockFetch({
      'GET /api/v1/audit': { status: 200, body: { entries: [auditEntry(3), auditEntry(2)], next_cursor: null } },
      'GET /api/v1/audit/1': { status: 200, body: auditEntry(1, { summary: 'the old one' }) },
    })
    await open('/activity')
    await w!.find('[data-entry-id="2"]').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.query).toEqual({ entry: '2' })
    const detail = w!.find('[data-testid="audit-detail"]')
    expect(detail.attributes('data-entry-id')).toBe('2')
    expect(detail.find('[data-testid="diff-line-name"]').attributes('data-changed')).toBe('true')
    expect(detail.find('[data-testid="audit-target"]').attributes('href')).toBe('/tables/customers/rows/1')

    await router.push('/activity?entry=1')
    await flushPromises()
    expect(calls.some((c) => c.path === '/api/v1/audit/1')).toBe(true)
    expect(w!.find('[data-testid="audit-detail"] [data-testid="audit-summary"]').text()).toBe('the old one')
  })

  it('reverts from the detail, then shows the list again with the revert selected', async () => {
    let reverted = false
    const { calls } = mockFetch({
      'GET /api/v1/audit': () => ({
        status: 200,
        body: { entries: [...(reverted ? [auditEntry(9, { reverts_id: 2 })] : []), auditEntry(2)], next_cursor: null },
      }),
      'POST /api/v1/audit/2/revert': (c) => {
        const dry = (c.body as { dry_run: boolean }).dry_run
        if (!dry) reverted = true
        return { status: 200, body: { entry_id: 2, dry_run: dry, action: 'update', table: 'customers', row_key: '1', values: { name: 'Ann' }, expected: { name: 'Anna' }, conflicts: [] } }
      },
    })
    await open('/activity?entry=2')
    await w!.find('[data-testid="audit-detail"] [data-testid="audit-revert"]').trigger('click')
    await flushPromises()
    expect(w!.find('[data-testid="revert-plan"]').exists()).toBe(true)
    await w!.find('[data-testid="revert-confirm"]').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([{ dry_run: true }, { dry_run: false, force: false }])
    expect(w!.find('[data-testid="revert-dialog"]').exists()).toBe(false)
    expect(shownIds()).toEqual([9, 2])
    expect(router.currentRoute.value.query.entry).toBe('9')
  })

  it('links the export to the filters; admins verify the chain', async () => {
    mockFetch({
      'GET /api/v1/audit': { status: 200, body: { entries: [], next_cursor: null } },
      'GET /api/v1/audit/verify': { status: 200, body: { ok: false, checked: 40, first_bad_id: 17, category: 'row', problem: 'hash mismatch' } },
    })
    await open('/activity?category=flag')
    expect(w!.find('[data-testid="audit-empty"]').text()).toContain('No entries match')
    const csv = new URL(w!.find('[data-testid="audit-export-csv"]').attributes('href')!)
    expect(Object.fromEntries(csv.searchParams)).toEqual({ format: 'csv', category: 'flag' })
    await w!.find('[data-testid="audit-verify"]').trigger('click')
    await flushPromises()
    const result = w!.find('[data-testid="audit-verify-result"]')
    expect(result.attributes('data-ok')).toBe('false')
    expect(result.text()).toContain('#17')
    expect(result.text()).toContain('hash mismatch')
  })

  it('others get no verify button; an API error shows', async () => {
    mockFetch({ 'GET /api/v1/audit': { status: 400, body: { error: { code: 'bad_request', message: 'text: at most 200 characters' } } } })
    await open('/activity', 'support')
    expect(w!.find('[data-testid="audit-verify"]').exists()).toBe(false)
    expect(w!.find('[data-testid="audit-error"]').text()).toBe('text: at most 200 characters')
  })
})
