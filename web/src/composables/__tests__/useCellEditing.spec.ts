import { describe, expect, it, vi } from 'vitest'
import { column } from '@/__tests__/columns'
import { useCellEditing, type SaveCell } from '../useCellEditing'

const price = column('price', 'decimal')
const at = { row: 3, col: 1 }

function setup(save: SaveCell) {
  const closed = vi.fn()
  return { edit: useCellEditing(save, closed), closed }
}

describe('useCellEditing', () => {
  it('saves a changed value and gives focus back to the cell', async () => {
    const save = vi.fn<SaveCell>(async () => null)
    const { edit, closed } = setup(save)
    edit.start(at, price, 12.5)
    expect(edit.at(3, 1)?.draft).toEqual({ text: '12.5', isNull: false })
    expect(edit.at(3, 2)).toBeNull()
    edit.update({ text: '13', isNull: false })
    await edit.commit()
    expect(save).toHaveBeenCalledWith(3, price, '13')
    expect(edit.editing.value).toBeNull()
    expect(closed).toHaveBeenCalledWith(at)
  })

  it('closes without saving when nothing changed; a blur does not take the focus back', async () => {
    const save = vi.fn<SaveCell>(async () => null)
    const { edit, closed } = setup(save)
    edit.start(at, price, 12.5)
    await edit.commit(false)
    expect(save).not.toHaveBeenCalled()
    expect(edit.editing.value).toBeNull()
    expect(closed).not.toHaveBeenCalled()
  })

  it('keeps the draft and shows the error when the check or the API refuses it', async () => {
    const save = vi.fn<SaveCell>(async () => 'violates a check constraint')
    const { edit } = setup(save)
    edit.start(at, column('qty', 'integer'), 2)
    edit.update({ text: '1.5', isNull: false })
    await edit.commit()
    expect(edit.editing.value?.error).toBe('must be an integer')
    expect(save).not.toHaveBeenCalled()

    edit.update({ text: '-1', isNull: false })
    expect(edit.editing.value?.error).toBeNull()
    await edit.commit()
    expect(save).toHaveBeenCalledTimes(1)
    expect(edit.editing.value).toMatchObject({ error: 'violates a check constraint', draft: { text: '-1' } })
    // leaving the cell with the same refused value does not send it again
    await edit.commit(false)
    expect(save).toHaveBeenCalledTimes(1)
    expect(edit.editing.value?.error).toBe('violates a check constraint')

    edit.cancel()
    expect(edit.editing.value).toBeNull()
  })

  it('ignores the answer to an edit that was cancelled meanwhile', async () => {
    let answer: (m: string | null) => void = () => {}
    const save = vi.fn<SaveCell>(() => new Promise((r) => (answer = r)))
    const { edit, closed } = setup(save)
    edit.start(at, price, 1)
    edit.update({ text: '2', isNull: false })
    const saving = edit.commit()
    expect(edit.editing.value?.saving).toBe(true)
    edit.cancel()
    edit.start({ row: 4, col: 1 }, price, 5)
    answer('refused')
    await saving
    expect(edit.editing.value).toMatchObject({ row: 4, error: null })
    expect(closed).toHaveBeenCalledTimes(1)
  })
})
