/** Light / dark / follow the system, kept in localStorage and applied as `<html data-theme>`. */
export type Theme = 'light' | 'dark' | 'system'

export const THEME_KEY = 'rubbie.theme'
export const THEMES: readonly { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

export function loadTheme(storage: Pick<Storage, 'getItem'> = localStorage): Theme {
  try {
    const v = storage.getItem(THEME_KEY)
    return v === 'light' || v === 'dark' ? v : 'system'
  } catch {
    return 'system'
  }
}

/** Apply (and remember) a theme: `system` removes the attribute so the media query decides. */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement, storage: Pick<Storage, 'setItem' | 'removeItem'> | null = localStorage): void {
  if (theme === 'system') delete root.dataset.theme
  else root.dataset.theme = theme
  try {
    if (storage) {
      if (theme === 'system') storage.removeItem(THEME_KEY)
      else storage.setItem(THEME_KEY, theme)
    }
  } catch {
    /* storage unavailable: the choice lasts for this page */
  }
}
