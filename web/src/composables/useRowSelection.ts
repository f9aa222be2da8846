import { computed, ref } from 'vue'

/**
 * The grid's row selection for bulk actions: keys of loaded rows, or every row matching the view
 * (`allMatching`, which the loaded rows cannot list).
 */
export function useRowSelection(loadedKeys: () => string[]) {
  const selected = ref(new Set<string>())
  const allMatching = ref(false)
  const allLoadedSelected = computed(() => {
    const keys = loadedKeys()
    return keys.length > 0 && keys.every((k) => selected.value.has(k))
  })

  function clear() {
    selected.value = new Set()
    allMatching.value = false
  }
  function toggle(key: string) {
    const s = new Set(selected.value)
    if (s.has(key)) s.delete(key)
    else s.add(key)
    selected.value = s
  }
  function toggleLoaded(on: boolean) {
    const s = new Set(selected.value)
    for (const k of loadedKeys()) {
      if (on) s.add(k)
      else s.delete(k)
    }
    selected.value = s
  }

  return { selected, allMatching, allLoadedSelected, clear, toggle, toggleLoaded }
}
