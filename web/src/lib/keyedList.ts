import { ref, type Ref } from 'vue'

/**
 * The list state the admin stores share (users, roles, flags, tokens): the items as the server
 * last sent them, loading and error, writes in flight per key, and the edits that keep the list
 * in step with what a write returned.
 */
export function useKeyedList<T, K extends string | number>(options: {
  key: (item: T) => K
  fetch: () => Promise<T[]>
  /** Where a new item goes; appended when not given. */
  compare?: (a: T, b: T) => number
}) {
  const items = ref<T[]>([]) as Ref<T[]>
  const loaded = ref(false)
  const loading = ref(false)
  const error = ref<string | null>(null)
  /** Keys with a write in flight. */
  const busy = ref({} as Record<K, boolean>) as Ref<Record<K, boolean>>

  async function load(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      items.value = await options.fetch()
      loaded.value = true
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e)
    } finally {
      loading.value = false
    }
  }

  /** The item as a write returned it: replaced where it was, or added. */
  function put(item: T, under: K = options.key(item)) {
    const i = items.value.findIndex((x) => options.key(x) === under)
    if (i >= 0) items.value[i] = item
    else {
      const next = [...items.value, item]
      items.value = options.compare ? next.sort(options.compare) : next
    }
  }

  function drop(key: K) {
    items.value = items.value.filter((x) => options.key(x) !== key)
  }

  /** Runs a write on `key`, marked busy meanwhile. */
  async function whileBusy<R>(key: K, write: () => Promise<R>): Promise<R> {
    busy.value[key] = true
    try {
      return await write()
    } finally {
      delete busy.value[key]
    }
  }

  function reset() {
    items.value = []
    loaded.value = false
    error.value = null
    busy.value = {} as Record<K, boolean>
  }

  return { items, loaded, loading, error, busy, load, put, drop, whileBusy, reset }
}
