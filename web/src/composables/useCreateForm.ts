import { reactive, ref, type UnwrapRef } from 'vue'
import { toApiError } from '@/api/errors'

/**
 * The state of an inline "new …" form: open/closed, the fields, the server's errors per field
 * (or for the whole form), and the submit that maps them. A 409 names no field: `conflict`
 * says which field it belongs to (a taken name); otherwise it is shown for the whole form.
 */
export function useCreateForm<F extends object, R>(options: {
  initial: () => F
  submit: (form: UnwrapRef<F>) => Promise<R>
  conflict?: (form: UnwrapRef<F>, message: string) => Record<string, string[]>
  /** After success, before the form closes and is emptied. */
  done?: (result: R) => void
  /** What an emptied form keeps (the role last chosen, say). */
  keep?: (form: UnwrapRef<F>) => Partial<UnwrapRef<F>>
}) {
  const form = reactive(options.initial())
  const errors = ref<Record<string, string[]>>({})
  const error = ref<string | null>(null)
  const busy = ref(false)
  const shown = ref(false)

  function clearErrors() {
    errors.value = {}
    error.value = null
  }

  function open() {
    shown.value = true
  }

  function cancel() {
    shown.value = false
    clearErrors()
  }

  async function submit(): Promise<R | undefined> {
    clearErrors()
    busy.value = true
    try {
      const result = await options.submit(form as UnwrapRef<F>)
      options.done?.(result)
      Object.assign(form, options.initial(), options.keep?.(form as UnwrapRef<F>) ?? {})
      shown.value = false
      return result
    } catch (e) {
      const err = toApiError(e)
      if (Object.keys(err.fields).length) errors.value = err.fields
      else if (err.status === 409 && options.conflict) errors.value = options.conflict(form as UnwrapRef<F>, err.message)
      else error.value = err.message
      return undefined
    } finally {
      busy.value = false
    }
  }

  /** Forget a field's errors (as its input changes). */
  function touch(field: string) {
    delete errors.value[field]
  }

  // one reactive object: templates read `f.shown`, `f.errors.name`, `f.form.name` as they are
  return reactive({ form, errors, error, busy, shown, open, cancel, submit, touch })
}
