import { vitePlugin as remix } from '@remix-run/dev'
import { defineConfig } from 'vite'

declare module '@remix-run/node' {
	interface Future {
		v3_singleFetch: true
	}
}

export default defineConfig({
	server: { port: 3000 },
	build: { target: 'es2022' },
	// Server-only native packages: keep Vite's dependency scan from bundling them for the browser.
	optimizeDeps: { exclude: ['@node-rs/argon2', 'better-sqlite3', 'mysql2'] },
	ssr: {
		// Native and server-only packages stay external to the server bundle.
		external: ['better-sqlite3', 'mysql2', '@node-rs/argon2'],
	},
	plugins: [
		!process.env.VITEST &&
			remix({
				ignoredRouteFiles: ['**/*.test.{ts,tsx}'],
				future: {
					v3_fetcherPersist: true,
					v3_relativeSplatPath: true,
					v3_throwAbortReason: true,
					v3_singleFetch: true,
					v3_lazyRouteDiscovery: true,
				},
			}),
	],
})
