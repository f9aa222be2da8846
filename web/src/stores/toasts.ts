import { ref } from 'vue'
import { defineStore } from 'pinia'

export type ToastKind = 'error' | 'success' | 'info'

export interface Toast {
  id: number
  kind: ToastKind
  message: string
}

/** Transient notifications (errors stay longer). */
export const useToastStore = defineStore('toasts', () => {
  const toasts = ref<Toast[]>([])
  let next = 1

  function push(kind: ToastKind, message: string, ms = kind === 'error' ? 8000 : 3000): number {
    const id = next++
    toasts.value.push({ id, kind, message })
    if (ms > 0) setTimeout(() => dismiss(id), ms)
    return id
  }

  function dismiss(id: number) {
    toasts.value = toasts.value.filter((t) => t.id !== id)
  }

  return {
    toasts,
    push,
    dismiss,
    error: (m: string) => push('error', m),
    success: (m: string) => push('success', m),
    info: (m: string) => push('info', m),
  }
})
