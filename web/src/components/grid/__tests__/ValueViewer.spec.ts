import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { column } from '@/__tests__/columns'
import ValueViewer from '../ValueViewer.vue'

vi.mock('@/components/JsonEditor.vue', () => import('@/__tests__/json-editor-stub'))

const doc = column('doc', 'json', { nullable: true })

async function mountViewer(props: Record<string, unknown> = {}) {
  const w = mount(ValueViewer, {
    props: { title: 'orders · 7 · doc', column: doc, value: { city: 'Lyon' }, editable: true, save: vi.fn(async () => null), ...props },
  })
  // the editor is an async component: wait for its (mocked) chunk
  await vi.waitFor(() => expect(w.find('.editor-stub').exists()).toBe(true))
  return w
}

afterEach(() => vi.restoreAllMocks())

describe('ValueViewer', () => {
  it('shows the whole value pretty-printed', async () => {
    const w = await mountViewer()
    const editor = w.find('.editor-stub')
    expect((editor.element as HTMLTextAreaElement).value).toBe('{\n  "city": "Lyon"\n}')
    expect(editor.attributes('data-language')).toBe('json')
    expect(w.find('[data-testid="value-viewer"]').attributes('aria-label')).toBe('orders · 7 · doc')
  })

  it('refuses invalid JSON before saving, then saves the parsed value', async () => {
    const save = vi.fn(async () => null)
    const w = await mountViewer({ save })
    const save_ = w.find('[data-testid="value-viewer-save"]')
    expect(save_.attributes('disabled')).toBeDefined()
    await w.find('.editor-stub').setValue('{"city": ')
    await save_.trigger('click')
    expect(w.find('[data-testid="value-viewer-error"]').text()).toMatch(/^Invalid JSON/)
    expect(save).not.toHaveBeenCalled()
    await w.find('.editor-stub').setValue('{"city": "Malmö"}')
    await save_.trigger('click')
    await flushPromises()
    expect(save).toHaveBeenCalledWith({ city: 'Malmö' })
    expect(w.find('[data-testid="value-viewer-error"]').exists()).toBe(false)
  })

  it('shows the API error of a save', async () => {
    const w = await mountViewer({ save: vi.fn(async () => 'permission denied') })
    await w.find('.editor-stub').setValue('[]')
    await w.find('[data-testid="value-viewer-save"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="value-viewer-error"]').text()).toBe('permission denied')
  })

  it('is read-only for a column the grid cannot write, and long text is plain text', async () => {
    const w = await mountViewer({ column: column('notes', 'text'), value: 'line 1\nline 2', editable: false })
    expect(w.find('[data-testid="value-viewer-save"]').exists()).toBe(false)
    expect(w.find('.editor-stub').attributes('readonly')).toBeDefined()
    expect(w.find('.editor-stub').attributes('data-language')).toBe('text')
    await w.find('[data-testid="value-viewer"]').trigger('keydown', { key: 'Escape' })
    expect(w.emitted('close')).toHaveLength(1)
  })

  it('asks before dropping changes', async () => {
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(false)
    const w = await mountViewer()
    await w.find('.editor-stub').setValue('{}')
    await w.find('[data-testid="value-viewer-close"]').trigger('click')
    expect(confirm).toHaveBeenCalled()
    expect(w.emitted('close')).toBeUndefined()
  })
})
