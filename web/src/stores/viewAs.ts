import { ref } from 'vue'
import { defineStore } from 'pinia'

const KEY = 'rubbie.viewAs'

function stored(): string | null {
  try {
    return sessionStorage.getItem(KEY) || null
  } catch {
    return null
  }
}

/**
 * The role an admin is viewing the console as (`X-Rubbie-View-As` on every API request, added by
 * the client middleware), kept in sessionStorage so a reload of the tab keeps it.
 */
export const useViewAsStore = defineStore('viewAs', () => {
  const role = ref<string | null>(stored())

  function set(name: string | null) {
    role.value = name && name !== 'admin' ? name : null
    try {
      if (role.value) sessionStorage.setItem(KEY, role.value)
      else sessionStorage.removeItem(KEY)
    } catch {
      // storage unavailable: the view lasts until the page is reloaded
    }
  }

  const stop = () => set(null)

  return { role, set, stop }
})
