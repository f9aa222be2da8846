import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { configureApi } from '@/api/client'
import { ApiError } from '@/api/errors'
import { uploadFile } from '@/api/upload'

/** A stand-in XMLHttpRequest: records the request; the test answers it. */
class FakeXhr {
  static last: FakeXhr
  method = ''
  url = ''
  headers: Record<string, string> = {}
  withCredentials = false
  body: unknown
  status = 0
  responseText = ''
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null }
  onload: (() => void) | null = null
  onerror: (() => void) | null = null
  onabort: (() => void) | null = null
  constructor() {
    FakeXhr.last = this
  }
  open(method: string, url: string) {
    this.method = method
    this.url = url
  }
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value
  }
  send(body: unknown) {
    this.body = body
  }
  abort() {
    this.onabort?.()
  }
  answer(status: number, body: unknown) {
    this.status = status
    this.responseText = JSON.stringify(body)
    this.onload?.()
  }
}

describe('uploadFile', () => {
  const unauthorized = vi.fn()
  beforeEach(() => {
    vi.stubGlobal('XMLHttpRequest', FakeXhr)
    configureApi({ csrfToken: () => 'tok', viewAs: () => 'support', onUnauthorized: unauthorized })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    configureApi({ csrfToken: () => null, viewAs: () => null, onUnauthorized: () => {} })
  })

  it('posts the file with the cookie, CSRF token and view-as role, and reports progress', async () => {
    const progress: number[] = []
    const file = new Blob(['a,b\n1,2\n'], { type: 'text/csv' })
    const done = uploadFile<{ rows: number }>('/api/v1/tables/t/import?format=csv', file, {
      contentType: 'text/csv',
      onProgress: (p) => progress.push(p.loaded),
    })
    const xhr = FakeXhr.last
    expect(xhr.method).toBe('POST')
    expect(xhr.url).toMatch(/\/api\/v1\/tables\/t\/import\?format=csv$/)
    expect(xhr.withCredentials).toBe(true)
    expect(xhr.headers).toEqual({ 'Content-Type': 'text/csv', 'X-CSRF-Token': 'tok', 'X-Rubbie-View-As': 'support' })
    expect(xhr.body).toBe(file)
    xhr.upload.onprogress?.({ loaded: 4, total: 8, lengthComputable: true })
    xhr.answer(200, { rows: 1 })
    await expect(done).resolves.toEqual({ rows: 1 })
    expect(progress).toEqual([4])
  })

  it("rejects with the API's error, problems included", async () => {
    const done = uploadFile('/api/v1/tables/t/import', new Blob(['x']), { contentType: 'text/csv' })
    FakeXhr.last.answer(422, {
      error: { code: 'validation', message: 'nothing was imported', problems: [{ row: 2, line: 3, column: 'name', message: 'bad' }] },
    })
    const err = (await done.catch((e: unknown) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.problems).toEqual([{ row: 2, line: 3, column: 'name', message: 'bad' }])
  })

  it('tells the app about an expired session, and a cancel is an "aborted" error', async () => {
    const done = uploadFile('/api/v1/x', new Blob(['x']), { contentType: 'text/csv' })
    FakeXhr.last.answer(401, { error: { code: 'unauthorized', message: 'sign in' } })
    await expect(done).rejects.toMatchObject({ status: 401 })
    expect(unauthorized).toHaveBeenCalled()

    const controller = new AbortController()
    const cancelled = uploadFile('/api/v1/x', new Blob(['x']), { contentType: 'text/csv', signal: controller.signal })
    controller.abort()
    await expect(cancelled).rejects.toMatchObject({ code: 'aborted' })
  })
})
