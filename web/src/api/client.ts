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

/**
 * The headers the console adds to a request: the CSRF token on unsafe methods and the role an
 * admin views the console as. Shared by the fetch client and XHR uploads (which report progress).
 * A request that names its own view (e.g. `admin` for the permission editor's full schema) keeps it.
 */
export function consoleHeaders(method: string, url: string, has: (name: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {}
  if (isLogin(url)) return out
  if (UNSAFE.has(method.toUpperCase())) {
    const token = hooks.csrfToken()
    if (token) out['X-CSRF-Token'] = token
  }
  const viewAs = hooks.viewAs()
  if (viewAs && !has(VIEW_AS_HEADER)) out[VIEW_AS_HEADER] = viewAs
  return out
}

/** Every answer goes through here: a 401 (but the login's) means the session is gone. */
export function sawResponse(status: number, url: string): void {
  if (status === 401 && !isLogin(url)) hooks.onUnauthorized()
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const headers = consoleHeaders(request.method, request.url, (name) => request.headers.has(name))
    for (const [name, value] of Object.entries(headers)) request.headers.set(name, value)
    return request
  },
  onResponse({ request, response }) {
    sawResponse(response.status, request.url)
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
