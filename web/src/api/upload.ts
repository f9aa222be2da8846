import { apiBaseUrl, consoleHeaders, sawResponse } from './client'
import { ApiError } from './errors'

export interface UploadProgress {
  /** Bytes sent so far. */
  loaded: number
  /** Bytes to send. */
  total: number
}

export interface UploadOptions {
  contentType: string
  onProgress?: (p: UploadProgress) => void
  signal?: AbortSignal
}

/**
 * POST a file to an API path (`/api/v1/...?query`) and resolve to the JSON answer, reporting
 * upload progress on the way. XMLHttpRequest rather than the fetch client, which cannot report
 * upload progress; the cookie, CSRF and view-as headers are the client's own. Rejects with an
 * {@link ApiError} (status 0 for a network failure, `aborted` when the signal fires).
 */
export function uploadFile<T>(path: string, file: Blob, opts: UploadOptions): Promise<T> {
  const url = apiBaseUrl() + path
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', url)
    xhr.withCredentials = true
    xhr.setRequestHeader('Content-Type', opts.contentType)
    for (const [name, value] of Object.entries(consoleHeaders('POST', url))) xhr.setRequestHeader(name, value)
    xhr.upload.onprogress = (e) => opts.onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size })
    xhr.onload = () => {
      sawResponse(xhr.status, url)
      let body: unknown = null
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        // not JSON (a proxy's error page): ApiError.from falls back to the status
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T)
      else reject(ApiError.from(xhr.status, body))
    }
    xhr.onerror = () => reject(new ApiError(0, 'network', 'Network error: the upload did not reach the server'))
    const cancelled = () => new ApiError(0, 'aborted', 'Upload cancelled')
    xhr.onabort = () => reject(cancelled())
    if (opts.signal) {
      if (opts.signal.aborted) return reject(cancelled())
      opts.signal.addEventListener('abort', () => xhr.abort(), { once: true })
    }
    xhr.send(file)
  })
}
