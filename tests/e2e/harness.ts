// Browser journeys: a production build served by scripts/serve.js against a fresh SQLite demo
// database, driven by playwright-core with Debian's chromium. Screenshots go to artifacts/e2e/.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core'

export const ARTIFACTS = path.resolve('artifacts/e2e')
export const DEMO_PASSWORD = process.env.BANGFU_DEMO_PASSWORD || 'Bangfu-Demo-2026'

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer()
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo
			srv.close(() => resolve(port))
		})
		srv.on('error', reject)
	})
}

export type Server = { url: string; stop: () => Promise<void>; databaseUrl: string; pid: number }

/**
 * Sets up a fresh demo database and serves the existing build (run `npm run build` first).
 * Without `databaseUrl`, a new SQLite file under artifacts/e2e. `demo: false` serves the database
 * as it is (the benchmark's), with `env` added to the server's environment.
 */
export async function startServer(options: { databaseUrl?: string; demo?: boolean; env?: Record<string, string> } = {}): Promise<Server> {
	if (!fs.existsSync('build/server/index.js')) throw new Error('no build: run npm run build first')
	const demo = options.demo ?? true
	fs.mkdirSync(ARTIFACTS, { recursive: true })
	const dbFile = path.join(ARTIFACTS, 'e2e.db')
	if (!options.databaseUrl) for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true })
	const databaseUrl = options.databaseUrl ?? `file:${dbFile}`
	const env = { ...process.env, DATABASE_URL: databaseUrl, IMPORT_VILLAGE_PROVINCES: '52' }
	if (demo) execFileSync('npx', ['tsx', 'scripts/setup.ts', '--demo'], { env, stdio: ['ignore', 'ignore', 'inherit'] })
	const port = await freePort()
	const child: ChildProcess = spawn('node', ['scripts/serve.js'], {
		env: { ...env, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', INSECURE_COOKIES: '1', BANGFU_DEMO: demo ? '1' : '', ...options.env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let log = ''
	child.stdout?.on('data', (d) => (log += d))
	child.stderr?.on('data', (d) => (log += d))
	const url = `http://127.0.0.1:${port}`
	const deadline = Date.now() + 30_000
	for (;;) {
		try {
			const res = await fetch(`${url}/healthz`)
			if (res.ok) break
		} catch {}
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${log}`)
		await new Promise((r) => setTimeout(r, 200))
	}
	return {
		url,
		databaseUrl,
		pid: child.pid as number,
		stop: async () => {
			if (child.exitCode !== null) return
			const exited = new Promise((r) => child.once('exit', r))
			child.kill('SIGTERM')
			await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
			if (child.exitCode === null) throw new Error(`server did not exit on SIGTERM:\n${log}`)
		},
	}
}

export async function launchBrowser(): Promise<Browser> {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
	})
}

export const VIEWPORTS = {
	desktop: { width: 1280, height: 900 },
	phone: { width: 360, height: 740 },
}

/** A page that records console errors and failed requests; `check()` throws if any happened. */
export async function newPage(browser: Browser, viewport: keyof typeof VIEWPORTS, baseURL: string) {
	const context: BrowserContext = await browser.newContext({ viewport: VIEWPORTS[viewport], baseURL, locale: 'zh-CN' })
	const page: Page = await context.newPage()
	const problems: string[] = []
	page.on('console', (m) => {
		if (m.type() === 'error') problems.push(`console: ${m.text()}`)
	})
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
	page.on('response', (r) => {
		if (r.status() >= 400 && r.request().resourceType() !== 'document') problems.push(`HTTP ${r.status()}: ${r.url()}`)
	})
	return {
		page,
		context,
		check: () => {
			if (problems.length) throw new Error(problems.join('\n'))
		},
	}
}

export async function screenshot(page: Page, name: string) {
	fs.mkdirSync(ARTIFACTS, { recursive: true })
	const file = path.join(ARTIFACTS, `${name}.png`)
	await page.screenshot({ path: file, fullPage: true })
	return file
}

export async function login(page: Page, username: string) {
	await page.goto('/login')
	await page.getByLabel(/邮箱或用户名|Email or username/).fill(username)
	await page.getByLabel(/^密码$|^Password$/).fill(DEMO_PASSWORD)
	await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: /^登录$|^Log in$/ }).click()])
}

export function expect(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(`expectation failed: ${message}`)
}
