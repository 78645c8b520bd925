// npm run test:e2e [-- name-filter]: runs every tests/e2e/*.journey.ts against a fresh demo server.
// Prints one line per journey and "N passed, N failed" at the end; exits non-zero on a failure.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Browser } from 'playwright-core'
import { ARTIFACTS, launchBrowser, startServer } from './harness.ts'

type Journey = { name: string; run: (browser: Browser, baseURL: string) => Promise<void> }

const filter = process.argv[2]
const dir = path.resolve('tests/e2e')
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.journey.ts') && (!filter || f.includes(filter))).sort()
const server = await startServer()
const browser = await launchBrowser()
let passed = 0
let failed = 0
try {
	for (const file of files) {
		const journey = (await import(pathToFileURL(path.join(dir, file)).href)) as Journey
		const started = Date.now()
		try {
			await journey.run(browser, server.url)
			passed++
			console.log(`✓ ${journey.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
		} catch (error) {
			failed++
			console.log(`✗ ${journey.name}\n  ${(error as Error).stack ?? error}`)
		}
	}
} finally {
	await browser.close()
	await server.stop()
}

// remix-serve hangs on SIGTERM with an open mysql2 pool; ours must exit. Checked on MySQL too.
if (process.env.TEST_MYSQL_URL && !filter) {
	const url = new URL(process.env.TEST_MYSQL_URL)
	url.pathname = '/bangfu_e2e_shutdown'
	const started = Date.now()
	try {
		const mysqlServer = await startServer({ databaseUrl: url.toString() })
		const res = await fetch(`${mysqlServer.url}/regions`)
		if (!res.ok) throw new Error(`GET /regions on MySQL: ${res.status}`)
		await mysqlServer.stop()
		passed++
		console.log(`✓ server on MySQL serves and exits on SIGTERM (${((Date.now() - started) / 1000).toFixed(1)} s)`)
	} catch (error) {
		failed++
		console.log(`✗ server on MySQL serves and exits on SIGTERM\n  ${(error as Error).stack ?? error}`)
	}
}
console.log(`screenshots: ${path.relative(process.cwd(), ARTIFACTS)}/`)
console.log(`e2e: ${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
