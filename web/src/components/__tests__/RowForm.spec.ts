import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import RowForm from '../RowForm.vue'
import type { Column } from '@/api/types'
import { column } from '@/__tests__/columns'

/** A test column with the database type name the form shows for its kind. */
function col(name: string, kind: Column['kind'], extra: Partial<Column> = {}): Column {
  const type = kind === 'integer' ? 'integer' : kind === 'decimal' ? 'numeric(10,2)' : kind === 'json' ? 'json' : 'varchar(255)'
  return column(name, kind, { type, ...extra })
}

const columns: Column[] = [
  col('id', 'integer', { primary_key: true, auto_increment: true }),
  col('name', 'text'),
  col('price', 'decimal'),
  col('active', 'boolean'),
  col('status', 'enum', { enum_values: ['draft', 'live'] }),
  col('meta', 'json', { nullable: true }),
  col('category_id', 'integer', { nullable: true, references: { table: 'categories', column: 'id' } }),
  col('secret', 'text', { hidden: true }),
]

const row = {
  id: 7,
  name: 'Lamp',
  price: '12.50',
  active: true,
  status: 'live',
  meta: { color: 'red' },
  category_id: 3,
  secret: 'x',
}

function mountForm(props: Record<string, unknown> = {}) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/', component: { template: '<div />' } },
      { path: '/tables/:table/rows/:pk', name: 'row', component: { template: '<div />' } },
    ],
  })
  return mount(RowForm, { props: { columns, row, ...props }, global: { plugins: [router] } })
}

describe('RowForm', () => {
  // the foreign-key picker reads the tables store
  beforeEach(() => setActivePinia(createPinia()))

  it('renders widgets by kind, hides hidden columns and disables the auto-increment key', () => {
    const w = mountForm()
    expect(w.find('[data-testid="field-id"]').attributes('disabled')).toBeDefined()
    expect((w.find('[data-testid="field-name"]').element as HTMLInputElement).value).toBe('Lamp')
    expect(w.find('[data-testid="field-active"]').attributes('type')).toBe('checkbox')
    expect(w.find('[data-testid="field-status"]').element.tagName).toBe('SELECT')
    expect(w.find('[data-testid="field-meta"]').element.tagName).toBe('TEXTAREA')
    expect(w.find('[data-testid="field-secret"]').exists()).toBe(false)
    expect(w.find('[data-testid="null-meta"]').exists()).toBe(true)
    expect(w.find('[data-testid="null-name"]').exists()).toBe(false)
    expect(w.find('[data-testid="fk-link-category_id"]').attributes('href')).toBe('/tables/categories/rows/3')
  })

  it('submits only the changed columns', async () => {
    const w = mountForm()
    await w.find('[data-testid="field-name"]').setValue('Desk lamp')
    await w.find('[data-testid="field-active"]').setValue(false)
    await w.find('[data-testid="null-category_id"]').setValue(true)
    await w.find('[data-testid="field-price"]').setValue('12.50') // unchanged
    await w.find('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([[{ name: 'Desk lamp', active: false, category_id: null }]])
  })

  it('keeps decimals as strings and parses JSON', async () => {
    const w = mountForm()
    await w.find('[data-testid="field-price"]').setValue('13.00')
    await w.find('[data-testid="field-meta"]').setValue('{"color": "blue"}')
    await w.find('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([[{ price: '13.00', meta: { color: 'blue' } }]])
  })

  it('does not submit invalid JSON and shows why under the field', async () => {
    const w = mountForm()
    await w.find('[data-testid="field-meta"]').setValue('{"color": ')
    await w.find('form').trigger('submit')
    expect(w.emitted('submit')).toBeUndefined()
    expect(w.find('[data-testid="field-error-meta"]').text()).toContain('invalid JSON')
  })

  it('shows API field errors under the matching inputs and clears one on edit', async () => {
    const w = mountForm({ errors: { price: ['must be greater than or equal to 0'], name: ['too short'] } })
    expect(w.find('[data-testid="field-error-price"]').text()).toBe('must be greater than or equal to 0')
    expect(w.find('[data-testid="field-error-name"]').text()).toBe('too short')
    await w.find('[data-testid="field-price"]').setValue('1')
    expect(w.find('[data-testid="field-error-price"]').exists()).toBe(false)
    expect(w.find('[data-testid="field-error-name"]').exists()).toBe(true)
  })

  it('for a new row sends only the fields the user filled in', async () => {
    const w = mountForm({ row: null })
    expect((w.find('[data-testid="field-id"]').element as HTMLInputElement).value).toBe('(auto)')
    await w.find('[data-testid="field-name"]').setValue('Chair')
    await w.find('[data-testid="field-price"]').setValue('5')
    await w.find('form').trigger('submit')
    expect(w.emitted('submit')).toEqual([[{ name: 'Chair', price: '5' }]])
  })

  it('prefills a new row from a duplicated one and sends all of its values', async () => {
    const w = mountForm({ row: null, prefill: { name: 'Lamp', price: '12.50', active: false, meta: null } })
    expect((w.find('[data-testid="field-name"]').element as HTMLInputElement).value).toBe('Lamp')
    expect((w.find('[data-testid="field-id"]').element as HTMLInputElement).value).toBe('(auto)')
    expect(w.find('[data-testid="dirty-count"]').exists()).toBe(false)
    await w.find('[data-testid="field-name"]').setValue('Lamp (copy)')
    await w.find('form').trigger('submit')
    // `active: false` is the empty form's value too, but it is the row's: sent, not left to the default
    expect(w.emitted('submit')).toEqual([[{ name: 'Lamp (copy)', price: '12.50', active: false, meta: null }]])
  })

  it('resets after the stored row comes back', async () => {
    const w = mountForm()
    await w.find('[data-testid="field-name"]').setValue('Desk lamp')
    expect(w.find('[data-testid="dirty-count"]').text()).toBe('1 changed')
    await w.setProps({ row: { ...row, name: 'Desk lamp' } })
    expect(w.find('[data-testid="dirty-count"]').exists()).toBe(false)
    expect((w.find('[data-testid="field-name"]').element as HTMLInputElement).value).toBe('Desk lamp')
  })
})
