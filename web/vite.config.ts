import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The SPA is mounted under a prefix only the server knows: it rewrites
// `<base href="./" />` in index.html, and every URL in the bundle is relative.
export default defineConfig({
  base: './',
  plugins: [vue()],
  resolve: {
    alias: {
      '@': fileURLToPath(new URL('./src', import.meta.url)),
    },
  },
  build: {
    outDir: '../rubbie-vue/dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsDir: 'assets',
    // Keep the output byte-identical for the same input (CI checks the committed dist).
    rollupOptions: {
      output: {
        entryFileNames: 'assets/[name]-[hash].js',
        chunkFileNames: 'assets/[name]-[hash].js',
        assetFileNames: 'assets/[name]-[hash][extname]',
      },
    },
  },
  server: {
    // `npm run dev` against a local test_project: RUBBIE_DEV_API=http://127.0.0.1:3000/admin
    proxy: process.env.RUBBIE_DEV_API
      ? {
          // the session cookie is issued for the mount path (`Path=/admin`); the dev server is at `/`
          '/api': { target: process.env.RUBBIE_DEV_API, changeOrigin: true, cookiePathRewrite: { '*': '/' } },
        }
      : undefined,
  },
})
