import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import type { Column } from '@/api/types'
import { ApiError } from '@/api/errors'
import ImportDialog from '../ImportDialog.vue'

const uploadFile = vi.fn()
vi.mock('@/api/upload', () => ({ uploadFile: (...args: unknown[]) => uploadFile(...args) }))

const col = (name: string, extra: Partial<Column> = {}): Column => ({
  name, label: name, type: 'text', kind: 'text', nullable: true, default: null, primary_key: false,
  auto_increment: false, hidden: false, readonly: false, generated: false, enum_values: null, references: null, ...extra,
})
const columns = [col('id', { kind: 'integer', primary_key: true }), col('name'), col('note'), col('made', { readonly: true })]

async function withFile(text: string, name = 'people.csv') {
  const w = mount(ImportDialog, { props: { table: 'people', columns }, attachTo: document.body })
  const input = w.find('[data-testid="import-file"]')
  Object.defineProperty(input.element, 'files', { value: [new File([text], name, { type: 'text/csv' })] })
  await input.trigger('change')
  await flushPromises()
  return w
}

describe('ImportDialog', () => {
  afterEach(() => {
    uploadFile.mockReset()
    document.body.innerHTML = ''
  })

  it('previews the file and maps fields to same-named columns (read-only ones are not offered)', async () => {
    const w = await withFile('name,note,extra\r\n"Ann, A.","said ""hi""",x\r\nBob,,y\r\n')
    expect(w.find('[data-testid="import-preview-meta"]').text()).toContain('2 rows')
    const cells = w.findAll('[data-testid="rows-table-cell-note"]').map((c) => c.text())
    expect(cells).toEqual(['said "hi"', ''])
    const mapName = w.find('[data-testid="mapping-name"]').element as HTMLSelectElement
    expect(mapName.value).toBe('name')
    expect([...mapName.options].map((o) => o.value)).toEqual(['', 'id', 'name', 'note'])
    expect((w.find('[data-testid="mapping-extra"]').element as HTMLSelectElement).value).toBe('')
    expect(w.find('[data-testid="mapping-row-extra"]').text()).toContain('no column of this name')
  })

  it('checks with a dry run and shows the problems by row, line and column; nothing written', async () => {
    const w = await withFile('name,note\nAnn,x\n')
    uploadFile.mockRejectedValueOnce(
      new ApiError(422, 'validation', 'people: nothing was imported; 1 problem(s)', {}, [
        { row: 1, line: 2, column: 'name', message: 'too long' },
      ]),
    )
    await w.find('[data-testid="mapping-note"]').setValue('')
    await w.find('[data-testid="import-check"]').trigger('click')
    await flushPromises()
    const [path, file, opts] = uploadFile.mock.calls[0]!
    const q = new URLSearchParams(String(path).split('?')[1])
    expect(String(path)).toMatch(/^\/api\/v1\/tables\/people\/import\?/)
    expect(q.get('dry_run')).toBe('true')
    expect(JSON.parse(q.get('mapping')!)).toEqual({ name: 'name', note: null })
    expect((file as File).name).toBe('people.csv')
    expect(opts.contentType).toBe('text/csv')
    expect(w.find('[data-testid="problem-line"]').text()).toBe('2')
    expect(w.find('[data-testid="problem-column"]').text()).toBe('name')
    expect(w.find('[data-testid="import-nothing-written"]').text()).toContain('nothing was written')
    expect(w.emitted('imported')).toBeUndefined()
  })

  it('shows header complaints on the mapping, and refuses two fields for one column', async () => {
    const w = await withFile('name,nom\nAnn,Ann\n')
    await w.find('[data-testid="mapping-nom"]').setValue('name')
    expect(w.find('[data-testid="mapping-error-nom"]').text()).toContain('already filled by "name"')
    expect(w.find('[data-testid="import-run"]').attributes('disabled')).toBeDefined()
    await w.find('[data-testid="mapping-nom"]').setValue('note')
    uploadFile.mockRejectedValueOnce(new ApiError(422, 'validation', 'file header: …', { nom: ['no column'] }))
    await w.find('[data-testid="import-run"]').trigger('click')
    await flushPromises()
    expect(w.find('[data-testid="mapping-error-nom"]').text()).toContain('no column')
    expect(w.find('[data-testid="import-nothing-written"]').text()).toContain('Nothing was imported')
  })

  it('imports for real, then shows a summary and tells the page', async () => {
    const w = await withFile('[{"name":"Ann"}]', 'people.json')
    expect((w.find('[data-testid="import-format"]').element as HTMLSelectElement).value).toBe('json')
    uploadFile.mockResolvedValueOnce({ rows: 1, inserted: 1, dry_run: false })
    await w.find('[data-testid="import-run"]').trigger('click')
    await flushPromises()
    expect(uploadFile.mock.calls[0]![2].contentType).toBe('application/json')
    expect(w.find('[data-testid="import-done"]').text()).toContain('Imported 1 row into people')
    expect(w.emitted('imported')).toEqual([[{ rows: 1, inserted: 1, dry_run: false }]])
  })

  it('says when the file cannot be read as the chosen format', async () => {
    const w = await withFile('a,b\n1\n')
    expect(w.find('[data-testid="import-preview-error"]').text()).toBe('Line 2: expected 2 fields, found 1.')
    expect(w.find('[data-testid="import-check"]').attributes('disabled')).toBeDefined()
  })
})
