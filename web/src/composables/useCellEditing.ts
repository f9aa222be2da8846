import { ref } from 'vue'
import type { Column } from '@/api/types'
import { sameDraft, type Draft } from '@/lib/form'
import { cellDraft, parseCellDraft } from '@/lib/cellEdit'
import type { CellPos } from '@/lib/gridKeys'

/** Saves one column of a loaded row; resolves to an error message, or null once stored. */
export type SaveCell = (row: number, column: Column, value: unknown) => Promise<string | null>

/** The one cell being edited in place. */
export interface CellEdit extends CellPos {
  id: number
  column: Column
  /** The stored value when editing started. */
  original: unknown
  draft: Draft
  initial: Draft
  /** Client-side or API error; the draft stays so nothing typed is lost. */
  error: string | null
  /** The draft the API refused last, and why (not sent again as it is, e.g. on a blur after the error). */
  refused: { draft: Draft; message: string } | null
  saving: boolean
}

/**
 * The inline editor's state: start, commit (save unless unchanged), cancel. `closed` is told where
 * an edit ended when focus should go back to that cell (Enter, Esc; not a blur to elsewhere).
 */
export function useCellEditing(save: SaveCell, closed: (at: CellPos) => void) {
  const editing = ref<CellEdit | null>(null)
  let nextId = 1

  function start(at: CellPos, column: Column, value: unknown) {
    const draft = cellDraft(value, column)
    editing.value = { ...at, id: nextId++, column, original: value, draft, initial: { ...draft }, error: null, refused: null, saving: false }
  }

  function close(refocus: boolean) {
    const e = editing.value
    editing.value = null
    if (e && refocus) closed({ row: e.row, col: e.col })
  }

  async function commit(refocus = true) {
    const e = editing.value
    if (!e || e.saving) return
    if (sameDraft(e.draft, e.initial)) return close(refocus)
    if (e.refused && sameDraft(e.draft, e.refused.draft)) {
      e.error = e.refused.message
      return
    }
    const parsed = parseCellDraft(e.draft, e.column, e.original)
    if (!parsed.ok) {
      e.error = parsed.error
      return
    }
    e.saving = true
    e.error = null
    const message = await save(e.row, e.column, parsed.value)
    if (editing.value?.id !== e.id) return // cancelled, or another cell is being edited now
    e.saving = false
    if (message === null) return close(refocus)
    e.error = message
    e.refused = { draft: { ...e.draft }, message }
  }

  /** The user changed the draft (clears an error shown for the previous one). */
  function update(draft: Draft) {
    const e = editing.value
    if (!e || e.saving) return
    e.draft = draft
    e.error = null
  }

  function cancel() {
    close(true)
  }

  /** The edit at a cell, if that cell is being edited. */
  function at(row: number, col: number): CellEdit | null {
    const e = editing.value
    return e && e.row === row && e.col === col ? e : null
  }

  return { editing, start, update, commit, cancel, at }
}
