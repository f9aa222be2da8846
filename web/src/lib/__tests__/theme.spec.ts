import { describe, expect, it } from 'vitest'
import { THEME_KEY, applyTheme, loadTheme } from '../theme'

function memory(): Storage {
  const m = new Map<string, string>()
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
    clear: () => m.clear(),
    key: () => null,
    get length() {
      return m.size
    },
  }
}

describe('theme', () => {
  it('follows the system by default and remembers a choice', () => {
    const s = memory()
    const root = document.createElement('html')
    expect(loadTheme(s)).toBe('system')
    applyTheme('dark', root, s)
    expect(root.dataset.theme).toBe('dark')
    expect(s.getItem(THEME_KEY)).toBe('dark')
    expect(loadTheme(s)).toBe('dark')
    applyTheme('system', root, s)
    expect(root.dataset.theme).toBeUndefined()
    expect(loadTheme(s)).toBe('system')
    s.setItem(THEME_KEY, 'purple')
    expect(loadTheme(s)).toBe('system')
  })
})
