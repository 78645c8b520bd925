// npm run test:faults: the fault drill of issue #8, against the production build (run `npm run build`
// first) and the local MariaDB (TEST_MYSQL_URL; its user needs CREATE/DROP on bangfu_%; the script
// restarts the server, so it must run as root on the machine that hosts it).
//
//   a. MariaDB restarts under load: requests get 503 with the friendly page (never 500), the server
//      answers again by itself, and no need lacks its event or outbox row.
//   b. The search engine is unreachable: writes succeed, their outbox rows wait with the error, and
//      a server with a reachable engine drains them; the record is then found.
//   c. The upload directory cannot be written: the need page says so in the user's language, and
//      no upload row or file is left.
//
// Prints "[faults] 3 faults survived (…)" and exits 0, or says what failed and exits 1. MariaDB is
// running again when it exits, whatever happened.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { type RawBuilder, sql } from 'kysely'
import { createDb } from '#app/utils/db.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { DEMO_PASSWORD, startServer } from '#tests/e2e/harness.ts'
import { ensureMariadb, isLocal, isUp, startMariadb, stopMariadb } from './mariadb.ts'

const LOAD_READERS = 8
const LOAD_WRITERS = 4
const WARMUP_MS = 3_000
/** MariaDB stays down this long after it has stopped, so the outage is seen for sure. */
const HOLD_DOWN_MS = 2_000
/** Load keeps running this long after the server is back: everything must succeed again. */
const STEADY_MS = 3_000
const REQUEST_TIMEOUT_MS = 20_000
const TITLE_PREFIX = '故障演练'
const DAY = 86_400_000
// A 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')

const base = process.env.TEST_MYSQL_URL
if (!base) {
	console.log('[faults] SKIPPED: TEST_MYSQL_URL is not set (the drill restarts a local MariaDB)')
	process.exit(0)
}
const mysqlUrl = new URL(base)
if (!isLocal(mysqlUrl)) {
	console.log(`[faults] SKIPPED: TEST_MYSQL_URL is not a local server (${mysqlUrl.hostname}); the drill restarts it`)
	process.exit(0)
}
const dbUrlObj = new URL(base)
dbUrlObj.pathname = '/bangfu_faults'
const databaseUrl = dbUrlObj.toString()

function log(line: string) {
	console.log(`[faults] ${line}`)
}

function check(condition: unknown, message: string): asserts condition {
	if (!condition) throw new Error(`expectation failed: ${message}`)
}

const seconds = (ms: number) => (ms / 1000).toFixed(1)

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

type Running = { url: string; stop: () => Promise<void>; log: () => string }

/** The build served on the drill's database with extra environment (no set-up: startServer did it). */
async function serve(env: Record<string, string>): Promise<Running> {
	const port = await freePort()
	const child: ChildProcess = spawn('node', ['scripts/serve.js'], {
		env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', INSECURE_COOKIES: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe'],
	})
	let output = ''
	child.stdout?.on('data', (d) => (output += d))
	child.stderr?.on('data', (d) => (output += d))
	const url = `http://127.0.0.1:${port}`
	const deadline = Date.now() + 30_000
	for (;;) {
		try {
			if ((await fetch(`${url}/healthz`)).ok) break
		} catch {}
		if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${output}`)
		await new Promise((r) => setTimeout(r, 200))
	}
	return {
		url,
		log: () => output,
		stop: async () => {
			if (child.exitCode !== null) return
			const exited = new Promise((r) => child.once('exit', r))
			child.kill('SIGTERM')
			await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
			if (child.exitCode === null) throw new Error(`server did not exit on SIGTERM:\n${output}`)
		},
	}
}

/** Signs in through the login form; returns the Cookie header for later requests. */
async function signIn(url: string, username: string): Promise<string> {
	const res = await fetch(`${url}/login`, {
		method: 'POST',
		headers: { Origin: url },
		body: new URLSearchParams({ identifier: username, password: DEMO_PASSWORD, redirectTo: '/' }),
		redirect: 'manual',
	})
	const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0])
	check(res.status === 302 && cookies.length, `login as ${username}: ${res.status}`)
	return cookies.join('; ')
}

function needForm(title: string, photo?: { name: string; bytes: Buffer }): FormData {
	const form = new FormData()
	for (const [k, v] of Object.entries({
		title,
		description: '故障演练自动生成的需求，用于验证数据库重启时不会留下残缺记录。',
		category: 'industry',
		measure: 'amount',
		amount: '1000',
		urgency: 'normal',
		neededBy: formatChinaDate(Date.now() + 30 * DAY),
		intent: 'save',
	}))
		form.set(k, v)
	if (photo) form.append('photos', new Blob([new Uint8Array(photo.bytes)], { type: 'image/png' }), photo.name)
	return form
}

/** Posts the new-need form as the browser does (multipart, same-site Origin). */
async function postNeed(url: string, cookie: string, form: FormData, signal?: AbortSignal) {
	return fetch(`${url}/needs/new`, { method: 'POST', headers: { Origin: url, Cookie: cookie }, body: form, redirect: 'manual', signal })
}

const FRIENDLY = ['服务暂时不可用', 'Service temporarily unavailable']

// ── a. MariaDB restarts under load ───────────────────────────────────────────────────────────────

type Sample = { at: number; kind: 'read' | 'write'; path: string; status: number; friendly?: boolean; retryAfter?: string | null; needId?: string; error?: string }

async function dbRestartUnderLoad(url: string, cookie: string) {
	const samples: Sample[] = []
	let stopping = false
	const readPaths = ['/', '/needs', '/offers', '/regions', '/honors', '/needs/new']
	let n = 0

	async function one(kind: 'read' | 'write'): Promise<void> {
		const at = Date.now()
		const i = n++
		const p = kind === 'read' ? readPaths[i % readPaths.length] : '/needs/new'
		try {
			const signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS)
			const res =
				kind === 'read'
					? await fetch(`${url}${p}`, { headers: p === '/needs/new' ? { Cookie: cookie } : {}, redirect: 'manual', signal })
					: await postNeed(url, cookie, needForm(`${TITLE_PREFIX} ${process.pid}-${i}`), signal)
			const body = await res.text()
			const sample: Sample = { at, kind, path: p, status: res.status }
			if (res.status === 503) {
				sample.friendly = FRIENDLY.every((s) => body.includes(s)) && !/ECONNREFUSED|PROTOCOL_|ER_[A-Z_]+|at .*\.js:\d+/.test(body)
				sample.retryAfter = res.headers.get('Retry-After')
			}
			if (kind === 'write' && res.status === 302) sample.needId = /\/needs\/([^/?]+)/.exec(res.headers.get('Location') ?? '')?.[1]
			samples.push(sample)
		} catch (error) {
			samples.push({ at, kind, path: p, status: 0, error: String((error as Error).message ?? error) })
		}
	}
	const loops = [
		...Array.from({ length: LOAD_READERS }, () => 'read' as const),
		...Array.from({ length: LOAD_WRITERS }, () => 'write' as const),
	].map(async (kind) => {
		while (!stopping) await one(kind)
	})

	await new Promise((r) => setTimeout(r, WARMUP_MS))
	const stopAt = Date.now()
	await stopMariadb(mysqlUrl)
	const downAt = Date.now()
	await new Promise((r) => setTimeout(r, HOLD_DOWN_MS))
	const startAt = Date.now()
	await startMariadb(mysqlUrl)
	const upAt = Date.now()
	// Until the first request started after MariaDB was back has succeeded, then steady load.
	const firstOkAfter = async () => {
		const deadline = Date.now() + 60_000
		for (;;) {
			const ok = samples.find((s) => s.at >= upAt && s.status >= 200 && s.status < 400)
			if (ok) return ok
			if (Date.now() > deadline) return undefined
			await new Promise((r) => setTimeout(r, 50))
		}
	}
	const recovered = await firstOkAfter()
	await new Promise((r) => setTimeout(r, STEADY_MS))
	stopping = true
	await Promise.all(loops)

	const ok = (s: Sample) => (s.kind === 'read' ? s.status === 200 : s.status === 302)
	const fivehundreds = samples.filter((s) => s.status >= 500 && s.status !== 503)
	const unavailable = samples.filter((s) => s.status === 503)
	const failed = samples.filter((s) => !ok(s) && s.status !== 503)
	const steadyFrom = (recovered?.at ?? upAt) + 1_000
	const lateFailures = samples.filter((s) => s.at >= steadyFrom && !ok(s))
	log(
		`db restart: ${samples.length} requests (${samples.filter((s) => s.kind === 'write').length} writes); MariaDB stopped in ${seconds(downAt - stopAt)} s, ` +
			`down ${seconds(upAt - downAt)} s; ${unavailable.length}×503, ${fivehundreds.length}×500, ${failed.length} other failures`,
	)
	for (const s of failed.slice(0, 5)) log(`  unexpected: ${s.kind} ${s.path} → ${s.status} ${s.error ?? ''}`)
	check(fivehundreds.length === 0, `no 500 during the outage (${fivehundreds.length})`)
	check(failed.length === 0, `every response is a success or a 503 (${failed.length} others)`)
	check(unavailable.length > 0, 'the outage was seen: at least one 503')
	check(unavailable.every((s) => s.friendly), 'every 503 carries the friendly page in both languages and no error details')
	check(unavailable.every((s) => s.retryAfter && /^\d+$/.test(s.retryAfter)), 'every 503 carries Retry-After')
	check(recovered, 'the server answered successfully again after MariaDB came back, without a restart')
	check(lateFailures.length === 0, `every request after recovery succeeds (${lateFailures.length} failed)`)
	check(samples.some((s) => s.kind === 'write' && ok(s) && s.at >= (recovered?.at ?? upAt)), 'writes succeed again after recovery')

	// No partial records: each need of the drill has its creation event and its outbox row (the
	// server ran without background work, so nothing drained them), and nothing points at a need
	// that does not exist.
	const handle = createDb(databaseUrl, { poolSize: 2 })
	try {
		const like = `${TITLE_PREFIX} %`
		const count = async (q: RawBuilder<{ n: number }>) => Number((await q.execute(handle.db)).rows[0]?.n ?? -1)
		const needs = await count(sql<{ n: number }>`select count(*) as n from need where title like ${like}`)
		const withoutEvent = await count(
			sql<{ n: number }>`select count(*) as n from need n where n.title like ${like} and not exists (select 1 from event e where e.entity_type = 'need' and e.entity_id = n.id and e.action = 'create')`,
		)
		const withoutOutbox = await count(
			sql<{ n: number }>`select count(*) as n from need n where n.title like ${like} and not exists (select 1 from search_outbox o where o.entity_type = 'need' and o.entity_id = n.id)`,
		)
		const orphanEvents = await count(
			sql<{ n: number }>`select count(*) as n from event e where e.entity_type = 'need' and not exists (select 1 from need n where n.id = e.entity_id)`,
		)
		const orphanOutbox = await count(
			sql<{ n: number }>`select count(*) as n from search_outbox o where o.entity_type = 'need' and not exists (select 1 from need n where n.id = o.entity_id)`,
		)
		const confirmed = samples.filter((s) => s.needId).map((s) => s.needId as string)
		const found = confirmed.length
			? Number((await sql<{ n: number }>`select count(*) as n from need where id in (${sql.join(confirmed)})`.execute(handle.db)).rows[0].n)
			: 0
		log(
			`db restart: ${confirmed.length} needs confirmed, ${needs} stored (${needs - confirmed.length} committed as the connection dropped, whole); ` +
				`${withoutEvent} without event, ${withoutOutbox} without outbox row, ${orphanEvents + orphanOutbox} orphans`,
		)
		check(found === confirmed.length, `every confirmed need is stored (${found}/${confirmed.length})`)
		check(needs >= confirmed.length, 'no fewer needs than confirmed')
		check(withoutEvent === 0 && withoutOutbox === 0, 'every need has its creation event and outbox row')
		check(orphanEvents === 0 && orphanOutbox === 0, 'no event or outbox row without its need')
	} finally {
		await handle.destroy()
	}
	return {
		requests: samples.length,
		unavailable: unavailable.length,
		fivehundreds: fivehundreds.length,
		recoveredIn: (recovered?.at ?? upAt) - upAt,
		downFor: upAt - stopAt,
		startTook: upAt - startAt,
	}
}

// ── b. search engine unreachable, c. upload directory unwritable ────────────────────────────────

async function outboxOf(entityId: string) {
	const handle = createDb(databaseUrl, { poolSize: 1 })
	try {
		return await handle.db.selectFrom('searchOutbox').select(['attempts', 'lastError', 'nextAttemptAt']).where('entityId', '=', entityId).execute()
	} finally {
		await handle.destroy()
	}
}

async function waitUntil<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
	const deadline = Date.now() + timeoutMs
	for (;;) {
		const value = await probe()
		if (value !== undefined) return value
		if (Date.now() > deadline) throw new Error(`timed out: ${what}`)
		await new Promise((r) => setTimeout(r, 250))
	}
}

async function searchAndUploadFaults(villageCookie: string) {
	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-faults-'))
	// A directory under a regular file: mkdir fails with ENOTDIR even for root.
	const blocker = path.join(scratch, 'not-a-directory')
	fs.writeFileSync(blocker, 'x')
	const uploadDir = path.join(blocker, 'uploads')
	const meiliPort = await freePort()
	const down = await serve({ MEILI_HOST: `http://127.0.0.1:${meiliPort}`, MEILI_MASTER_KEY: 'faults', UPLOAD_DIR: uploadDir })
	const token = `演练${Date.now().toString(36)}`
	let offerId = ''
	let search = { attempts: 0, lastError: '', searchStatus: 0 }
	let uploads = { needId: '' }
	try {
		// b. A provider posts and publishes an offer while Meilisearch is unreachable.
		const cookie = await signIn(down.url, 'demo-enterprise')
		const today = formatChinaDate(Date.now())
		const created = await fetch(`${down.url}/offers/new`, {
			method: 'POST',
			headers: { Origin: down.url, Cookie: cookie },
			body: new URLSearchParams({
				title: `${token} 电商直播培训`,
				description: '故障演练：搜索引擎不可用时发布的帮扶资源。',
				categories: 'industry',
				measure: 'amount',
				capacity: '50000',
				coverage: 'nationwide',
				validFrom: today,
				validUntil: formatChinaDate(Date.now() + 365 * DAY),
				intent: 'save',
			}),
			redirect: 'manual',
		})
		offerId = /\/offers\/([^/?]+)/.exec(created.headers.get('Location') ?? '')?.[1] ?? ''
		check(created.status === 302 && offerId, `offer created while search is down: ${created.status}`)
		const published = await fetch(`${down.url}/offers/${offerId}`, {
			method: 'POST',
			headers: { Origin: down.url, Cookie: cookie },
			body: new URLSearchParams({ intent: 'publish' }),
			redirect: 'manual',
		})
		check(published.status === 200, `offer published while search is down: ${published.status}`)
		const pending = await waitUntil('the drain to fail on the offer', 20_000, async () => {
			const rows = await outboxOf(offerId)
			return rows.length && rows.every((r) => r.attempts > 0 && r.lastError) ? rows : undefined
		})
		// Searching while the engine is down is not a 500 either.
		const searchPage = await fetch(`${down.url}/offers?q=${encodeURIComponent(token)}`)
		check(searchPage.status !== 500, `search page while search is down: ${searchPage.status}`)
		search = { attempts: Math.max(...pending.map((r) => r.attempts)), lastError: pending[0].lastError ?? '', searchStatus: searchPage.status }
		log(`search down: offer written (302, published 200); ${pending.length} outbox rows pending, attempts ${search.attempts}, last_error "${search.lastError.slice(0, 80)}"; search page ${searchPage.status}`)

		// c. The village posts a need with a photo while the upload directory cannot be written.
		const posted = await postNeed(down.url, villageCookie, needForm(`${token} 带照片的需求`, { name: '现场照片.png', bytes: PNG }))
		const location = posted.headers.get('Location') ?? ''
		const needId = /\/needs\/([^/?]+)/.exec(location)?.[1] ?? ''
		check(posted.status === 302 && needId, `need form with a photo: ${posted.status}`)
		check(/photoError=errors\.upload_failed/.test(location), `the redirect names the upload failure: ${location}`)
		const zh = await (await fetch(`${down.url}${location}`, { headers: { Cookie: villageCookie } })).text()
		const en = await (await fetch(`${down.url}${location}&lng=en`, { headers: { Cookie: villageCookie } })).text()
		check(zh.includes('文件保存失败') && zh.includes('现场照片.png'), 'the need page says, in Chinese, which photo could not be saved')
		check(en.includes('The file could not be saved'), 'and in English')
		uploads = { needId }
	} finally {
		await down.stop()
	}

	// No dangling record: no upload row, no add_photo event, no file; the need itself is the
	// village's draft (by design: the page above tells them the photo failed).
	const handle = createDb(databaseUrl, { poolSize: 1 })
	let photoRows = -1
	let photoEvents = -1
	let status: string | undefined
	try {
		photoRows = (await handle.db.selectFrom('upload').select('id').where('ownerType', '=', 'need').where('ownerId', '=', uploads.needId).execute()).length
		photoEvents = (await handle.db.selectFrom('event').select('id').where('entityId', '=', uploads.needId).where('action', '=', 'add_photo').execute()).length
		status = (await handle.db.selectFrom('need').select('status').where('id', '=', uploads.needId).executeTakeFirst())?.status
	} finally {
		await handle.destroy()
	}
	const leftFiles = fs.readdirSync(scratch).filter((f) => f !== 'not-a-directory')
	log(`uploads: need ${status} with a localized "could not be saved" notice; ${photoRows} upload rows, ${photoEvents} add_photo events, ${leftFiles.length} stray files`)
	check(status === 'draft', `the need stays a draft (${status})`)
	check(photoRows === 0 && photoEvents === 0, 'no upload row or photo event for the failed photo')
	check(leftFiles.length === 0, 'no stray file')
	fs.rmSync(scratch, { recursive: true, force: true })

	// b, continued: a server whose engine is reachable (the embedded one) drains the waiting rows.
	const healthyFrom = Date.now()
	const healthy = await serve({})
	let drainedIn = 0
	try {
		await waitUntil('the outbox rows of the offer to drain', 60_000, async () => ((await outboxOf(offerId)).length === 0 ? true : undefined))
		drainedIn = Date.now() - healthyFrom
		const page = await (await fetch(`${healthy.url}/offers?q=${encodeURIComponent(token)}`)).text()
		check(page.includes(`/offers/${offerId}`), 'the offer is found by search once drained')
	} finally {
		await healthy.stop()
	}
	log(`search back: outbox drained ${seconds(drainedIn)} s after starting a server with a reachable engine; the offer is found by search`)
	return { ...search, drainedIn, photoRows, photoEvents }
}

// ── main ─────────────────────────────────────────────────────────────────────────────────────────

const started = Date.now()
let failed = false
try {
	// A fresh database each run; the server runs without background work, so the outbox keeps
	// every row of the drill for the consistency check.
	const { createConnection } = await import('mysql2/promise')
	const admin = await createConnection({ uri: base })
	await admin.query('DROP DATABASE IF EXISTS `bangfu_faults`')
	await admin.end()
	process.env.BANGFU_BACKGROUND = 'off'
	const server = await startServer({ databaseUrl })
	delete process.env.BANGFU_BACKGROUND
	log(`server on ${server.url} (MySQL bangfu_faults) ready in ${seconds(Date.now() - started)} s`)
	let a: Awaited<ReturnType<typeof dbRestartUnderLoad>> | undefined
	let village = ''
	try {
		village = await signIn(server.url, 'demo-village')
		// `--no-restart` leaves MariaDB alone (for working on b and c while others use the server).
		if (!process.argv.includes('--no-restart')) a = await dbRestartUnderLoad(server.url, village)
	} finally {
		await server.stop()
	}
	const bc = await searchAndUploadFaults(village)
	const dbPart = a
		? `db restart: ${a.requests} requests, ${a.unavailable}×503, ${a.fivehundreds}×500, recovered in ${seconds(a.recoveredIn)} s`
		: 'db restart: SKIPPED (--no-restart)'
	console.log(
		`[faults] ${a ? 3 : 2} faults survived (${dbPart}; ` +
			`search down: writes ok, outbox pending with attempts ${bc.attempts} and the error, drained ${seconds(bc.drainedIn)} s after the engine was reachable, searchable; ` +
			`uploads: localized error, ${bc.photoRows} upload rows, 0 files) in ${seconds(Date.now() - started)} s`,
	)
	// Kept after a failure, for a look; the next run drops it anyway.
	const cleanup = await createConnection({ uri: base })
	await cleanup.query('DROP DATABASE IF EXISTS `bangfu_faults`')
	await cleanup.end()
} catch (error) {
	failed = true
	console.log(`[faults] FAILED: ${(error as Error).stack ?? error}`)
} finally {
	if (await ensureMariadb(mysqlUrl).catch(() => false)) log('MariaDB was down at the end: started it again')
	if (!(await isUp(mysqlUrl))) {
		failed = true
		log('MariaDB is NOT running')
	}
}
process.exit(failed ? 1 : 0)
