import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The api serves web/dist at `/`; `npx vite web` (dev server) proxies the API to PORT 8080.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 800 },
  server: { proxy: { '/v1': 'http://127.0.0.1:8080', '/docs': 'http://127.0.0.1:8080', '/admin': 'http://127.0.0.1:8080' } },
});
