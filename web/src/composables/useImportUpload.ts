import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { ApiError, toApiError } from '@/api/errors'
import type { ImportResult } from '@/api/types'
import { uploadFile, type UploadProgress } from '@/api/upload'
import { CONTENT_TYPES, importQuery, type ImportFormat, type Mapping } from '@/lib/importFile'

/**
 * Sending a file to a table's import endpoint, as a check (dry run) or for real: the upload's
 * progress, then the server's answer — a result, or the API's error with the rows at fault.
 */
export function useImportUpload(table: () => string) {
  /** `uploading` while bytes go out, `processing` while the server reads and checks the rows. */
  const stage = ref<'idle' | 'uploading' | 'processing'>('idle')
  const progress = ref<UploadProgress | null>(null)
  const result = ref<ImportResult | null>(null)
  const error = shallowRef<ApiError | null>(null)
  /** Whether the last answer (result or error) was for a dry run. */
  const dryRun = ref(false)
  let controller: AbortController | null = null

  const busy = computed(() => stage.value !== 'idle')
  const percent = computed(() => {
    const p = progress.value
    return p && p.total > 0 ? Math.min(100, Math.round((p.loaded / p.total) * 100)) : 0
  })

  async function run(file: Blob, format: ImportFormat, fields: string[], mapping: Mapping, dry: boolean): Promise<ImportResult | null> {
    controller = new AbortController()
    stage.value = 'uploading'
    progress.value = { loaded: 0, total: file.size }
    result.value = null
    error.value = null
    dryRun.value = dry
    const path = `/api/v1/tables/${encodeURIComponent(table())}/import?${importQuery(format, fields, mapping, dry)}`
    try {
      const res = await uploadFile<ImportResult>(path, file, {
        contentType: CONTENT_TYPES[format],
        signal: controller.signal,
        onProgress: (p) => {
          progress.value = p
          if (p.loaded >= p.total) stage.value = 'processing'
        },
      })
      result.value = res
      return res
    } catch (e) {
      const err = toApiError(e)
      error.value = err.code === 'aborted' ? null : err
      return null
    } finally {
      stage.value = 'idle'
      controller = null
    }
  }

  function cancel() {
    controller?.abort()
  }
  onBeforeUnmount(cancel)

  /** Forget the last answer (the file or the mapping changed). */
  function reset() {
    result.value = null
    error.value = null
  }

  return { stage, progress, percent, result, error, dryRun, busy, run, cancel, reset }
}
