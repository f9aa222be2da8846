import { computed, ref } from 'vue'
import { defineStore } from 'pinia'
import { api, unwrap } from '@/api/client'
import { ApiError } from '@/api/errors'
import type { SessionInfo, SignInOptions, User } from '@/api/types'

/** Navigates by a form POST (a sign-out must not be a link that any page can make you follow). */
function postForm(action: string) {
  const form = document.createElement('form')
  form.method = 'post'
  form.action = action
  document.body.append(form)
  form.submit()
}

/** The signed-in user and the CSRF token (memory only; restored from `me` after a reload). */
export const useAuthStore = defineStore('auth', () => {
  const user = ref<User | null>(null)
  const csrfToken = ref<string | null>(null)
  /** How this browser is signed in: rubbie's session, or the host application's own sign-in. */
  const via = ref<SessionInfo['auth'] | null>(null)
  /** Where the host signs its users out (a form POST), when it said. */
  const hostSignOutUrl = ref<string | null>(null)
  /** Why rubbie refused the user the host's sign-in named (an unknown role, a disabled user). */
  const refusal = ref<string | null>(null)
  /** Whether `me` has been asked since the page loaded. */
  const checked = ref(false)

  const signedIn = computed(() => user.value !== null)
  /** The built-in `admin` role: sees everything and manages users, permissions and settings. */
  const isAdmin = computed(() => user.value?.role === 'admin')
  /** Signed in by the host (`Config::authenticate`): no rubbie password, sessions or tokens. */
  const hostSignedIn = computed(() => via.value === 'host')
  /** Whether this console can sign the user out (the host's users only where the host says how). */
  const canSignOut = computed(() => !hostSignedIn.value || hostSignOutUrl.value !== null)

  function set(session: SessionInfo) {
    user.value = session.user
    csrfToken.value = session.csrf_token ?? null
    via.value = session.auth
    hostSignOutUrl.value = session.sign_out_url ?? null
    checked.value = true
  }

  function clear() {
    user.value = null
    csrfToken.value = null
    via.value = null
    hostSignOutUrl.value = null
  }

  async function login(username: string, password: string): Promise<void> {
    const session = await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }))
    set(session)
  }

  /** Restore the session from the cookie. Resolves false when not signed in. */
  async function fetchMe(): Promise<boolean> {
    refusal.value = null
    try {
      set(await unwrap(api.GET('/api/v1/auth/me')))
      return true
    } catch (e) {
      checked.value = true
      clear()
      if (e instanceof ApiError && e.status === 401) return false
      // signed in by the host as someone rubbie will not take: the sign-in page says why
      if (e instanceof ApiError && e.status === 403) {
        refusal.value = e.message
        return false
      }
      throw e
    }
  }

  /** What the sign-in page offers: rubbie's form, the host's sign-in page, or both. */
  async function signInOptions(): Promise<SignInOptions> {
    return unwrap(api.GET('/api/v1/auth/options'))
  }

  async function logout(): Promise<void> {
    if (hostSignedIn.value) {
      // Only the host can end its session: send the browser to its sign-out (leaves the SPA).
      if (hostSignOutUrl.value) postForm(hostSignOutUrl.value)
      return
    }
    try {
      await unwrap(api.POST('/api/v1/auth/logout'))
    } finally {
      clear()
    }
  }

  return {
    user,
    csrfToken,
    checked,
    refusal,
    signedIn,
    isAdmin,
    hostSignedIn,
    canSignOut,
    login,
    fetchMe,
    signInOptions,
    logout,
    clear,
  }
})
