import { computed, ref, shallowRef } from 'vue'
import { api, unwrap } from '@/api/client'
import { ApiError, toApiError } from '@/api/errors'
import type { Row, RowLabels, RowPage, RowsQuery, TableSchema } from '@/api/types'
import { useTablesStore } from '@/stores/tables'
import { pkKey } from '@/lib/pk'
import { mergeLabels, pageLabels } from '@/lib/relations'

/** Rows appended by one "Load more". */
export const LOAD_MORE_ROWS = 500
/** The most rows the grid accumulates (beyond that: narrow the filter, or export). */
export const MAX_LOADED_ROWS = 10_000

/** Whether rows may follow a response that asked for `limit` rows and ended at row `end`. */
function moreAfter(res: RowPage, limit: number, end: number, count: number | null): boolean {
  if (res.rows.length < limit) return false
  return count === null || end < count
}

/**
 * The table page's data: the schema, the page of rows its URL asks for, and the rows "Load more"
 * appends after that page (keyset cursor when the API gives one, else offset). A new `load`
 * starts over; answers to superseded requests are dropped.
 */
export function useTableData(table: () => string) {
  const tables = useTablesStore()

  const schema = ref<TableSchema | null>(null)
  /** The answer for the URL's page: its count and cursor. */
  const page = shallowRef<RowPage | null>(null)
  /** What the loaded rows' foreign-key values are called (when the query asks for `labels`). */
  const labels = shallowRef<RowLabels>({})
  /** The URL's page and the rows loaded after it; replaced, never mutated (thousands of plain objects). */
  const rows = shallowRef<Row[]>([])
  /** Changes whenever `rows` is a new set rather than a longer or edited one. */
  const generation = ref(0)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref<string | null>(null)
  /** The table does not exist, or the signed-in role (or the role viewed as) may not see it. */
  const notFound = ref<string | null>(null)
  /** Where the loaded rows end: the offset and (when keyset paging applies) cursor of the next row. */
  const endOffset = ref(0)
  const endCursor = ref<string | null>(null)
  const hasMore = ref(false)

  let query: RowsQuery = {}
  /** An exact total, which tells when the last row is loaded. */
  let exactCount: number | null = null
  let requestId = 0

  const canLoadMore = computed(() => hasMore.value && rows.value.length < MAX_LOADED_ROWS && !loading.value)
  /** Rows beyond the URL's page are loaded. */
  const appended = computed(() => rows.value.length > (page.value?.rows.length ?? 0))

  function fetchRows(q: RowsQuery): Promise<RowPage> {
    return unwrap(api.GET('/api/v1/tables/{table}/rows', { params: { path: { table: table() }, query: q } }))
  }

  /**
   * Load the schema, then the page `pageQuery` asks for (called once the schema is set), which
   * starts at row `offset` of the selection. Resolves to whether these rows are now shown.
   */
  async function load(pageQuery: () => RowsQuery, offset: number): Promise<boolean> {
    const id = ++requestId
    loading.value = true
    loadingMore.value = false
    error.value = null
    try {
      const s = await tables.schema(table())
      if (id !== requestId) return false
      schema.value = s
      const q = pageQuery()
      const res = await fetchRows(q)
      if (id !== requestId) return false
      query = q
      exactCount = res.count_kind === 'exact' ? (res.count ?? null) : null
      page.value = res
      labels.value = pageLabels(res)
      rows.value = res.rows
      generation.value++
      endOffset.value = offset + res.rows.length
      endCursor.value = res.next_cursor ?? null
      hasMore.value = moreAfter(res, q.limit ?? res.rows.length, endOffset.value, exactCount)
      return true
    } catch (e) {
      if (id !== requestId) return false
      const err = toApiError(e)
      if (err.status === 404 && !schema.value) notFound.value = err.message
      else error.value = err.message
      return false
    } finally {
      if (id === requestId) loading.value = false
    }
  }

  /** Append the next rows after the loaded ones (up to MAX_LOADED_ROWS). */
  async function loadMore(): Promise<void> {
    if (!canLoadMore.value || loadingMore.value) return
    const id = requestId
    const limit = Math.min(LOAD_MORE_ROWS, MAX_LOADED_ROWS - rows.value.length)
    const q: RowsQuery = { ...query, limit, count: 'none' }
    delete q.after
    delete q.offset
    if (endCursor.value) q.after = endCursor.value
    else q.offset = endOffset.value
    loadingMore.value = true
    error.value = null
    try {
      const res = await fetchRows(q)
      if (id !== requestId) return
      rows.value = rows.value.concat(res.rows)
      labels.value = mergeLabels(labels.value, pageLabels(res))
      endOffset.value += res.rows.length
      endCursor.value = res.next_cursor ?? null
      hasMore.value = moreAfter(res, limit, endOffset.value, exactCount)
    } catch (e) {
      if (id === requestId) error.value = toApiError(e).message
    } finally {
      if (id === requestId) loadingMore.value = false
    }
  }

  /** PATCH a loaded row and put the stored row in its place. Throws the API's error. */
  async function patchRow(index: number, changes: Row): Promise<Row> {
    const row = rows.value[index]
    const key = row && schema.value ? pkKey(row, schema.value.primary_key) : null
    if (key === null) throw new ApiError(0, 'no_key', 'This row cannot be edited: it has no primary key value')
    const gen = generation.value
    const stored = await unwrap(
      api.PATCH('/api/v1/tables/{table}/rows/{pk}', { params: { path: { table: table(), pk: key } }, body: changes }),
    )
    if (gen === generation.value) {
      const next = rows.value.slice()
      next[index] = stored
      rows.value = next
    }
    return stored
  }

  return {
    schema, page, rows, labels, generation, loading, loadingMore, error, notFound,
    endOffset, endCursor, canLoadMore, appended, load, loadMore, patchRow,
  }
}
