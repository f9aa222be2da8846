import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount as mountDialog, type VueWrapper } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { configureApi } from '@/api/client'
import { useAuthStore } from '@/stores/auth'
import { mockFetch, type Call } from '@/__tests__/fetch-mock'
import { auditEntry } from '@/__tests__/audit-entries'
import RevertDialog from '../RevertDialog.vue'

const plan = (over: object = {}) => ({
  entry_id: 4, dry_run: true, action: 'update', table: 'customers', row_key: '1',
  values: { name: 'Ann' }, expected: { name: 'Anna' }, conflicts: [], ...over,
})

const open: VueWrapper[] = []
/** Mount (and unmount after the test: the dialog listens on the document for Escape). */
function mount(...args: Parameters<typeof mountDialog<typeof RevertDialog>>) {
  const w = mountDialog(...args)
  open.push(w)
  return w
}

function signIn(role: string) {
  useAuthStore().user = { id: 1, username: 'u', role }
}

describe('RevertDialog', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    configureApi({ csrfToken: () => 'tok', onUnauthorized: () => {}, viewAs: () => null })
  })
  afterEach(() => {
    open.splice(0).forEach((w) => w.unmount())
    vi.unstubAllGlobals()
  })

  it('does a dry run first, shows what will be written, then reverts', async () => {
    const { calls } = mockFetch({
      'POST /api/v1/audit/4/revert': (c: Call) => ({ status: 200, body: plan({ dry_run: (c.body as { dry_run: boolean }).dry_run }) }),
    })
    signIn('support')
    const w = mount(RevertDialog, { props: { entry: auditEntry(4) } })
    await flushPromises()
    expect(calls.map((c) => c.body)).toEqual([{ dry_run: true }])
    expect(w.find('[data-testid="revert-what"]').text()).toContain('row 1 of customers')
    const line = w.find('[data-testid="revert-plan"] [data-testid="diff-line-name"]')
    expect(line.find('.diff-before').text()).toBe('Anna')
    expect(line.find('.diff-after').text()).toBe('Ann')

    await w.find('[data-testid="revert-confirm"]').trigger('click')
    await flushPromises()
    expect(calls.map((c) => c.body)).toEqual([{ dry_run: true }, { dry_run: false, force: false }])
    expect(calls[1]!.headers.get('X-CSRF-Token')).toBe('tok')
    expect(w.emitted('reverted')?.[0]?.[0]).toMatchObject({ entry_id: 4, dry_run: false })
  })

  it('with conflicts: others cannot revert, an admin may revert anyway (force)', async () => {
    const routes = {
      'POST /api/v1/audit/4/revert': (c: Call) => ({ status: 200, body: plan({ conflicts: ['name'], dry_run: (c.body as { dry_run: boolean }).dry_run }) }),
    }
    signIn('support')
    mockFetch(routes)
    const other = mount(RevertDialog, { props: { entry: auditEntry(4) } })
    await flushPromises()
    expect(other.find('[data-testid="revert-conflicts"]').text()).toContain('name')
    expect(other.find('[data-testid="revert-plan"] [data-testid="diff-line-name"]').classes()).toContain('diff-flagged')
    expect(other.find('[data-testid="revert-confirm"]').attributes('disabled')).toBeDefined()
    expect(other.find('[data-testid="revert-force"]').exists()).toBe(false)

    signIn('admin')
    const { calls } = mockFetch(routes)
    const admin = mount(RevertDialog, { props: { entry: auditEntry(4) } })
    await flushPromises()
    await admin.find('[data-testid="revert-force"]').trigger('click')
    await flushPromises()
    expect(calls.at(-1)?.body).toEqual({ dry_run: false, force: true })
    expect(admin.emitted('reverted')).toHaveLength(1)
  })

  it('a 409 (changed meanwhile) stays open, says why and shows the new conflicts', async () => {
    let dryRuns = 0
    mockFetch({
      'POST /api/v1/audit/4/revert': (c: Call) => {
        if ((c.body as { dry_run: boolean }).dry_run) return { status: 200, body: plan({ conflicts: ++dryRuns > 1 ? ['name'] : [] }) }
        return { status: 409, body: { error: { code: 'conflict', message: 'customers: the row changed since; nothing was changed', fields: { name: ['changed since'] } } } }
      },
    })
    signIn('support')
    const w = mount(RevertDialog, { props: { entry: auditEntry(4) } })
    await flushPromises()
    await w.find('[data-testid="revert-confirm"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="revert-error"]').text()).toContain('the row changed since')
    expect(w.find('[data-testid="revert-conflicts"]').exists()).toBe(true)
    expect(w.emitted('reverted')).toBeUndefined()
  })

  it('shows the refusal of an entry that cannot be reverted', async () => {
    mockFetch({ 'POST /api/v1/audit/4/revert': { status: 409, body: { error: { code: 'conflict', message: 'user entries cannot be reverted' } } } })
    signIn('admin')
    const w = mount(RevertDialog, { props: { entry: auditEntry(4, { category: 'user' }) } })
    await flushPromises()
    expect(w.find('[data-testid="revert-plan-error"]').text()).toBe('user entries cannot be reverted')
    expect(w.find('[data-testid="revert-confirm"]').attributes('disabled')).toBeDefined()
  })
})
