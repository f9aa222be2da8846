import { defineComponent, h } from 'vue'

/**
 * Stands in for the CodeMirror editor (`vi.mock('@/components/JsonEditor.vue', ...)`): a textarea
 * with the same v-model, `readonly` and `submit`.
 */
export default defineComponent({
  props: { modelValue: { type: String, required: true }, readonly: Boolean, language: String, autofocus: Boolean },
  emits: ['update:modelValue', 'submit'],
  setup(props, { emit }) {
    return () =>
      h('textarea', {
        class: 'editor-stub',
        value: props.modelValue,
        readonly: props.readonly,
        'data-language': props.language,
        onInput: (e: Event) => emit('update:modelValue', (e.target as HTMLTextAreaElement).value),
      })
  },
})
