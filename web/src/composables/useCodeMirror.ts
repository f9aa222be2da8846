import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue'
import { EditorView, basicSetup } from 'codemirror'
import { EditorState, type Extension } from '@codemirror/state'
import { keymap } from '@codemirror/view'

/**
 * A CodeMirror 6 editor in `host`, bound to a v-model: created on mount with the common setup
 * (basicSetup, Ctrl/Cmd-Enter → `onSubmit`, changes → `onChange`) plus the caller's extensions,
 * following `value` when it changes from outside, destroyed on unmount. `view()` is the editor,
 * once mounted.
 */
export function useCodeMirror(options: {
  host: Ref<HTMLElement | null>
  value: () => string
  onChange: (text: string) => void
  onSubmit: () => void
  extensions: Extension[]
  autofocus?: boolean
}) {
  let view: EditorView | null = null

  onMounted(() => {
    if (!options.host.value) return
    view = new EditorView({
      parent: options.host.value,
      state: EditorState.create({
        doc: options.value(),
        extensions: [
          keymap.of([{ key: 'Mod-Enter', run: () => (options.onSubmit(), true) }]),
          basicSetup,
          ...options.extensions,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) options.onChange(u.state.doc.toString())
          }),
        ],
      }),
    })
    if (options.autofocus) view.focus()
  })

  watch(options.value, (text) => {
    if (view && text !== view.state.doc.toString()) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } })
    }
  })

  onBeforeUnmount(() => view?.destroy())

  return { view: () => view }
}
