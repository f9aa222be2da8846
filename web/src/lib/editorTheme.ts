// The look both CodeMirror editors share (JSON and SQL): the console's colours, and a syntax
// highlighting drawn from the theme's variables, so keywords, strings and numbers keep their
// contrast in light and dark alike (CodeMirror's default palette is for light backgrounds only).
import { EditorView } from '@codemirror/view'
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language'
import { tags } from '@lezer/highlight'

const highlight = HighlightStyle.define([
  { tag: [tags.keyword, tags.operatorKeyword, tags.modifier], color: 'var(--accent)', fontWeight: '600' },
  { tag: [tags.string, tags.special(tags.string)], color: 'light-dark(#237032, #8ce99a)' },
  { tag: [tags.number, tags.bool, tags.null], color: 'light-dark(#1864ab, #74c0fc)' },
  { tag: [tags.propertyName, tags.typeName], color: 'light-dark(#862e9c, #e599f7)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--text-muted)', fontStyle: 'italic' },
  { tag: tags.invalid, color: 'var(--danger)' },
])

export function editorLook(fontSize: string) {
  return [
    EditorView.theme({
      '&': { fontSize, backgroundColor: 'var(--surface)', color: 'var(--text)' },
      '.cm-content': { fontFamily: 'var(--mono)', caretColor: 'var(--text)' },
      '.cm-gutters': { backgroundColor: 'var(--surface-2)', color: 'var(--text-muted)', borderRight: '1px solid var(--border)' },
      '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 55%, transparent)' },
      '&.cm-focused': { outline: 'none' },
      '.cm-scroller': { fontFamily: 'var(--mono)' },
    }),
    syntaxHighlighting(highlight),
  ]
}
