import { describe, expect, it } from 'vitest'
import { flushPromises, type DOMWrapper, type VueWrapper } from '@vue/test-utils'
import { useAuthStore } from '@/stores/auth'
import { freshApp, mockFetch } from '@/__tests__/fetch-mock'
import { auditEntry, entryTargetRoutes } from '@/__tests__/audit-entries'
import { mountAt } from '@/__tests__/mount-route'
import HomeView from '../HomeView.vue'

const DAY = 86_400_000
const today = Math.floor(Date.now() / DAY) * DAY
const table = (name: string, row_estimate: number | null = 10) => ({ name, label: name.toUpperCase(), primary_key: ['id'], source: 'model', row_estimate, column_count: 3 })
const overview = (over: object = {}) => ({
  tables: Array.from({ length: 200 }, (_, i) => table(`t${String(i).padStart(3, '0')}`, i * 1000)),
  untracked: 3,
  recent: [auditEntry(2, { summary: 'Updated customers 1 (Anna)' })],
  activity: [{ day: today, count: 4 }, { day: today - 2 * DAY, count: 8 }],
  people: { users: 5, active_users: 4, roles: 3 },
  migrations: { applied: 5, pending: 0, failed: 0, mismatch: 0, missing: 0, running: false },
  ...over,
})

let w: VueWrapper | null = null

/** A stat card's number and label as one line. */
const statText = (stat: DOMWrapper<Element>) =>
  `${stat.find('.stat-value').text()} ${stat.find('.stat-label').text()}`.replace(/\s+/g, ' ').trim()

async function open(role: string) {
  useAuthStore().user = { id: 1, username: 'u', role }
  ;({ w } = await mountAt('/', [
    { path: '/', name: 'home', component: HomeView },
    { path: '/activity', name: 'activity', component: { template: '<div />' } },
    { path: '/migrations', name: 'migrations', component: { template: '<div />' } },
    ...entryTargetRoutes,
  ]))
}

describe('HomeView', () => {
  freshApp(() => {
    w?.unmount()
    w = null
  })

  it('renders the overview: searchable tables, 14 days of changes with quiet ones, recent entries, people', async () => {
    const { calls } = mockFetch({ 'GET /api/v1/overview': { status: 200, body: overview() } })
    await open('admin')
    expect(calls.map((c) => c.path)).toEqual(['/api/v1/overview'])

    const rows = () => w!.findAll('[data-testid="home-tables"] tbody tr')
    expect(rows()).toHaveLength(200)
    expect(w!.find('[data-testid="home-table-t007"] a').attributes('href')).toBe('/tables/t007')
    expect(w!.find('[data-testid="home-table-t007"]').text()).toContain('~7,000')
    await w!.find('[data-testid="home-table-search"]').setValue('t19')
    expect(rows().map((r) => r.attributes('data-testid'))).toEqual(Array.from({ length: 10 }, (_, i) => `home-table-t19${i}`))

    const days = w!.findAll('[data-testid="chart-day"]').map((d) => Number(d.attributes('data-count')))
    expect(days).toHaveLength(14)
    expect(days.at(-1)).toBe(4)
    expect(days.at(-3)).toBe(8)
    expect(days.filter((n) => n === 0)).toHaveLength(12)
    expect(w!.find('[data-testid="home-activity-total"]').text()).toBe('12')

    const recent = w!.find('[data-testid="home-recent"] [data-testid="audit-feed-item"] a')
    expect(recent.text()).toBe('Updated customers 1 (Anna)')
    expect(recent.attributes('href')).toBe('/activity?entry=2')

    expect(w!.find('[data-testid="stat-users"]').text()).toContain('5')
    expect(w!.find('[data-testid="stat-users"]').text()).toContain('4 active')
    expect(w!.find('[data-testid="stat-roles"]').text()).toContain('3')
    expect(w!.find('[data-testid="stat-untracked"]').text()).toContain('3')
    const migrations = w!.find('[data-testid="stat-migrations"]')
    expect(statText(migrations)).toBe('5 migrations applied')
    expect(migrations.classes()).not.toContain('stat-warn')
  })

  it('puts the most pressing migration state first, and shows none for a host without migrations', async () => {
    const health = (over: object) => ({ applied: 4, pending: 2, failed: 0, mismatch: 0, missing: 0, running: false, ...over })
    const cases: [object, string][] = [
      [{ failed: 1 }, '1 failed migration · 4 applied'],
      [{ mismatch: 1, missing: 1 }, '2 migrations changed or unknown to the host · 4 applied'],
      [{}, '2 pending migrations · 4 applied'],
      [{ running: true }, '2 pending migrations · running now'],
    ]
    for (const [over, text] of cases) {
      mockFetch({ 'GET /api/v1/overview': { status: 200, body: overview({ migrations: health(over) }) } })
      await open('admin')
      const stat = w!.find('[data-testid="stat-migrations"]')
      expect(statText(stat)).toBe(text)
      expect(stat.classes()).toContain('stat-warn')
      expect(stat.attributes('href')).toBe('/migrations')
      w!.unmount()
    }
    mockFetch({ 'GET /api/v1/overview': { status: 200, body: overview({ migrations: null }) } })
    await open('admin')
    expect(w!.find('[data-testid="stat-migrations"]').exists()).toBe(false)
  })

  it('others see no people counts, and no estimate column when there are none', async () => {
    mockFetch({ 'GET /api/v1/overview': { status: 200, body: overview({ tables: [table('orders', null)], people: null, untracked: 0, recent: [], activity: [] }) } })
    await open('support')
    expect(w!.find('[data-testid="home-people"]').exists()).toBe(false)
    expect(w!.find('[data-testid="home-tables"]').text()).not.toContain('Rows')
    expect(w!.find('[data-testid="home-recent"]').text()).toContain('No changes yet')
    expect(w!.findAll('[data-testid="chart-day"]').every((d) => d.attributes('data-count') === '0')).toBe(true)
  })

  it('says when the overview cannot be loaded, and tries again', async () => {
    let fail = true
    mockFetch({ 'GET /api/v1/overview': () => (fail ? { status: 503, body: { error: { code: 'unavailable', message: 'database unreachable' } } } : { status: 200, body: overview() }) })
    await open('admin')
    expect(w!.find('[data-testid="home-error"]').text()).toContain('database unreachable')
    fail = false
    await w!.find('[data-testid="home-error"] button').trigger('click')
    await flushPromises()
    expect(w!.find('[data-testid="home-error"]').exists()).toBe(false)
    expect(w!.find('[data-testid="home-tables"]').exists()).toBe(true)
  })
})
