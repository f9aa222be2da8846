import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError } from './errors'

/**
 * Root of the API: the mount point the server wrote into `<base href>`, without a trailing slash
 * (API paths start with `/api/v1/...`).
 */
export function apiBaseUrl(): string {
  return new URL('.', document.baseURI).href.replace(/\/$/, '')
}

/** The mount point as a path prefix for origin-relative URLs: `/admin`, or `` when mounted at `/`. */
export function mountPrefix(): string {
  return new URL(document.baseURI).pathname.replace(/\/+$/, '')
}

interface Hooks {
  /** Current CSRF token (from login / me), sent on unsafe methods. */
  csrfToken: () => string | null
  /** Called on a 401 from anything but the login request (expired session). */
  onUnauthorized: () => void
  /** Role an admin is viewing the console as (sent as `X-Rubbie-View-As`), or null. */
  viewAs: () => string | null
}

const hooks: Hooks = { csrfToken: () => null, onUnauthorized: () => {}, viewAs: () => null }

/** Header that makes the API answer an admin's request as another role. */
export const VIEW_AS_HEADER = 'X-Rubbie-View-As'

/** Wire the client to the auth store and router (done once in main.ts; tests may call it too). */
export function configureApi(h: Partial<Hooks>): void {
  Object.assign(hooks, h)
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

const isLogin = (url: string) => new URL(url).pathname.endsWith('/api/v1/auth/login')

const authMiddleware: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && !isLogin(request.url)) {
      const token = hooks.csrfToken()
      if (token) request.headers.set('X-CSRF-Token', token)
    }
    // A request that names its own view (e.g. `admin` for the permission editor's full schema) keeps it.
    const viewAs = hooks.viewAs()
    if (viewAs && !isLogin(request.url) && !request.headers.has(VIEW_AS_HEADER)) {
      request.headers.set(VIEW_AS_HEADER, viewAs)
    }
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !isLogin(request.url)) hooks.onUnauthorized()
    return response
  },
}

export const api = createClient<paths>({
  baseUrl: apiBaseUrl(),
  credentials: 'include',
  // Late-bound so tests can stub globalThis.fetch.
  fetch: (req: Request) => globalThis.fetch(req),
})
api.use(authMiddleware)

/**
 * Await an openapi-fetch call and return its data, or throw an {@link ApiError} carrying the API's
 * `{"error": {code, message, fields}}` body.
 */
export async function unwrap<D>(
  call: Promise<{ data?: D; error?: unknown; response: Response }>,
): Promise<D> {
  let result: { data?: D; error?: unknown; response: Response }
  try {
    result = await call
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : 'Network error')
  }
  if (!result.response.ok) throw ApiError.from(result.response.status, result.error)
  return result.data as D
}
