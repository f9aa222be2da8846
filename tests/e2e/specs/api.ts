import { expect, type Page } from '@playwright/test'

// Shared by the import, views, relations and tracking specs (not a spec itself): calls to the
// API with the page's session, for set-up, checks and clean-up.

/** A signed-in page's API: absolute URLs under the console's base, the CSRF token for writes. */
export class Api {
  private csrf = ''

  constructor(
    private readonly page: Page,
    private readonly base: string,
  ) {}

  url(path: string): string {
    return new URL(path, this.base).href
  }

  /** Read the session's CSRF token (after signing in). */
  async init(): Promise<void> {
    const me = await this.page.request.get(this.url('api/v1/auth/me'))
    expect(me.ok()).toBeTruthy()
    this.csrf = ((await me.json()) as { csrf_token: string }).csrf_token
  }

  async get<T>(path: string): Promise<T> {
    const res = await this.page.request.get(this.url(path))
    expect(res.ok(), `GET ${path}: ${res.status()}`).toBeTruthy()
    return (await res.json()) as T
  }

  /** A write; resolves to the status and the JSON body (if any), failing or not. */
  async send(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, data?: unknown): Promise<{ status: number; body: unknown }> {
    const res = await this.page.request.fetch(this.url(path), { method, data, headers: { 'X-CSRF-Token': this.csrf } })
    const text = await res.text()
    return { status: res.status(), body: text ? (JSON.parse(text) as unknown) : null }
  }

  /** Rows of a table matching a where filter (exact count, up to `limit`). */
  async rows<R = Record<string, unknown>>(table: string, where: unknown, limit = 100): Promise<{ rows: R[]; count: number }> {
    const q = new URLSearchParams({ where: JSON.stringify(where), limit: String(limit), count: 'exact' })
    return this.get(`api/v1/tables/${table}/rows?${q}`)
  }
}
