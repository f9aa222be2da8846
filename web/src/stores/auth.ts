import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { SessionInfo, User } from '@/api/types'

/** The signed-in user and the CSRF token (memory only; restored from `me` after a reload). */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const csrfToken = ref<string | null>(null)
  /** Whether `me` has been asked since the page loaded. */
  const checked = ref(false)

  const signedIn = computed(() => user.value !== null)
  /** The built-in `admin` role: sees everything and manages users, permissions and settings. */
  const isAdmin = computed(() => user.value?.role === 'admin')

  function set(session: SessionInfo) {
    user.value = session.user
    csrfToken.value = session.csrf_token ?? null
    checked.value = true
  }

  function clear() {
    user.value = null
    csrfToken.value = null
  }

  async function login(username: string, password: string): Promise<void> {
    const session = await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }))
    set(session)
  }

  /** Restore the session from the cookie. Resolves false when not signed in. */
  async function fetchMe(): Promise<boolean> {
    try {
      set(await unwrap(api.GET('/api/v1/auth/me')))
      return true
    } catch (e) {
      checked.value = true
      clear()
      if (e instanceof ApiError && e.status === 401) return false
      throw e
    }
  }

  async function logout(): Promise<void> {
    try {
      await unwrap(api.POST('/api/v1/auth/logout'))
    } finally {
      clear()
    }
  }

  return { user, csrfToken, checked, signedIn, isAdmin, login, fetchMe, logout, clear }
})
