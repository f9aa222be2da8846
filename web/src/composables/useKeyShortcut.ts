import { onBeforeUnmount, onMounted } from 'vue'
import { isTypingTarget } from '@/lib/gridKeys'

/**
 * A page-wide single-key shortcut (e.g. `/` to search) while the component is mounted. It does
 * not fire while the user types in a field or with Ctrl/Cmd/Alt held.
 */
export function useKeyShortcut(key: string, run: () => void) {
  function onKeydown(e: KeyboardEvent) {
    if (e.key !== key || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return
    if (isTypingTarget(e.target)) return
    e.preventDefault()
    run()
  }
  onMounted(() => window.addEventListener('keydown', onKeydown))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown))
}
