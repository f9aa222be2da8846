// The web app's linter: Vue's essential rules and typescript-eslint's recommended ones, the
// create-vue setup. `npm run lint` (scripts/test.sh runs it).
import pluginVue from 'eslint-plugin-vue'
import { defineConfigWithVueTs, vueTsConfigs } from '@vue/eslint-config-typescript'

export default defineConfigWithVueTs(
  { name: 'rubbie/files', files: ['**/*.{ts,mts,vue}'] },
  { name: 'rubbie/ignores', ignores: ['dist/**', 'src/api/schema.d.ts', 'coverage/**'] },
  pluginVue.configs['flat/essential'],
  vueTsConfigs.recommended,
  {
    name: 'rubbie/rules',
    rules: {
      // `_name` says "deliberately unused" (a destructured field left out of a copy).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
)
