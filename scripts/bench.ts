// npm run bench [-- --duration 10 --connections 32 --only pages,search,suggest,import,writes
//                   --no-build --out bench/results]
// The benchmark suite of the scale issue, against the DATABASE_URL database filled by
// `npm run bench:data` (MySQL or SQLite). It builds the app, starts the production server on a free
// loopback port and prints one table:
//   - pages: each key page (needs browse with filters, need detail, offers browse, an official's
//     dashboard, the honor roll) under autocannon at 32 connections for `--duration` seconds, side
//     by side with a bare Remix route in the same run (throughput as a ratio of the bare route's);
//     p50/p95/p99 from every response's own latency; then the same page on one connection for a few
//     seconds ("alone": its own time, without queueing) and its first answer ("cold");
//   - search: the embedded engine's p95 over 100,000 need documents (in this process);
//   - suggestions: suggestOffersForNeed p95 for 200 published needs over the 50,000 offers;
//   - import: all 620,573 villages into a scratch database on the same server, timed;
//   - writes: 50 clients pledging to and accepting on one need at once, writes per second and how
//     far the need was over-committed (must be 0);
//   - the server's peak RSS over the page runs.
// Results go to bench/results/<date>-<dialect>.json and .md with the machine's description. The
// suite prints figures and marks each against its target; it never fails on a missed target (exit 1
// only when it could not measure). Benchmarks are scripts, not timed tests.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import type { DB, NeedCategory } from '#db/schema.ts'
import { hashPassword } from '#app/models/account.server.ts'
import { COUNTED_STATUSES, acceptCommitment, createCommitment } from '#app/models/commitment.server.ts'
import { NEED_CATEGORIES } from '#app/models/marketplace-vocab.ts'
import { type Actor, loadActor } from '#app/models/policy.server.ts'
import { importDivisions } from '#app/models/region-import.server.ts'
import { suggestOffersForNeed } from '#app/models/suggestion.server.ts'
import { iterateSearchDocuments } from '#app/search/documents.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import type { SearchDocument, SearchQuery, SearchType } from '#app/search/port.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { type Dialect, createDb, dialectOf, ensureMysqlDatabase, sqlitePath } from '#app/utils/db.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/id.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { startServer } from '#tests/e2e/harness.ts'
import { needRow } from '#tests/factories.ts'
import { BENCH_ACCOUNTS, TOPICS, benchPassword, seededRandom } from './bench-util.ts'

const SECTIONS = ['pages', 'search', 'suggest', 'import', 'writes'] as const
type Section = (typeof SECTIONS)[number]
const { values: args } = parseArgs({
	options: {
		duration: { type: 'string', default: '10' },
		connections: { type: 'string', default: '32' },
		only: { type: 'string', default: SECTIONS.join(',') },
		'no-build': { type: 'boolean', default: false },
		out: { type: 'string', default: 'bench/results' },
		// V8 flags for the server only, e.g. "--max-old-space-size=384" (default: what npm start uses).
		'server-node-options': { type: 'string' },
	},
	strict: true,
})
const DURATION_S = Number(args.duration)
const CONNECTIONS = Number(args.connections)
const ONLY = new Set(args.only.split(',').map((s) => s.trim()))
for (const s of ONLY) if (!SECTIONS.includes(s as Section)) throw new Error(`--only: unknown section ${s} (${SECTIONS.join(', ')})`)
if (!(DURATION_S > 0) || !(CONNECTIONS > 0)) throw new Error('--duration and --connections take positive numbers')

/** The issue's targets. */
const TARGETS = {
	browseRatio: 0.4,
	pageP95Ms: 100,
	searchP95Ms: 30,
	suggestP95Ms: 50,
	importS: { mysql: 60, sqlite: 30 } as Record<Dialect, number>,
	writesPerS: 200,
	rssMb: 512,
}
const SEARCH_DOCS = 100_000
const SEARCH_QUERIES = 300
const SUGGEST_NEEDS = 200
const WRITE_CLIENTS = 50
const WRITES_PER_CLIENT = 20

const url = getEnv().databaseUrl
const dialect = dialectOf(url)
const started = Date.now()
const { random, int, pick } = seededRandom(20261208)

function log(what: string) {
	console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${what}`)
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: number[], p: number): number {
	if (!sorted.length) return Number.NaN
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}
function summary(samples: number[]) {
	const sorted = [...samples].sort((a, b) => a - b)
	return { n: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN }
}
const ms = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)} ms` : '—')

type Row = { key: string; measure: string; figure: string; target: string; met: boolean | null; data: Record<string, unknown> }
const rows: Row[] = []
function record(row: Row) {
	rows.push(row)
	log(`${row.measure}: ${row.figure}${row.target ? `  [target ${row.target}: ${row.met === null ? 'n/a' : row.met ? 'met' : 'MISSED'}]` : ''}`)
}

// ---------------------------------------------------------------------------------------------
// The database and what is in it

const handle = createDb(url)
const db = handle.db

async function databaseVersion(): Promise<string> {
	if (dialect === 'mysql') {
		const { rows: r } = await sql<{ v: string }>`select version() as v`.execute(db)
		return `MySQL-compatible ${r[0].v}`
	}
	const { rows: r } = await sql<{ v: string }>`select sqlite_version() as v`.execute(db)
	return `SQLite ${r[0].v} (better-sqlite3)`
}

async function count(table: keyof DB, where?: (qb: any) => any): Promise<number> {
	let q = db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n'))
	if (where) q = where(q)
	return Number((await q.executeTakeFirstOrThrow()).n)
}

async function dataset() {
	return {
		villages: await count('region', (q) => q.where('level', '=', 5)),
		organizations: await count('organization'),
		pairings: await count('pairing'),
		needs: await count('need'),
		publishedNeeds: await count('need', (q) => q.where('status', '=', 'published')),
		offers: await count('offer'),
		activeOffers: await count('offer', (q) => q.where('status', '=', 'active')),
		commitments: await count('commitment'),
		projects: await count('project'),
		awards: await count('award'),
	}
}

function machine(dbVersion: string) {
	const cpus = os.cpus()
	return {
		cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown'}`,
		memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
		database: dbVersion,
		// Everything runs on this one machine: the database server, the app server and the load.
		note: 'database, app server and load generator share this machine',
	}
}

// ---------------------------------------------------------------------------------------------
// Pages, through the production server

type Target = { key: string; label: string; paths: string[]; account?: string; browse?: boolean }

async function pageTargets(): Promise<Target[]> {
	const needIds = (await db.selectFrom('need').select('id').where('status', '=', 'published').where('createdBy', '=', 'BENCH').orderBy('id').execute()).map((r) => r.id)
	const detail = Array.from({ length: 100 }, (_, i) => needIds[Math.floor((i * needIds.length) / 100)]).filter(Boolean)
	const county = (await db.selectFrom('region').select('code').where('level', '=', 3).where('isKeyCounty', '=', 1).orderBy('code').executeTakeFirst())?.code ?? '520425000000'
	const word = (c: NeedCategory) => encodeURIComponent(TOPICS[c][0])
	return [
		{ key: 'bare', label: 'bare Remix route /bench/bare', paths: ['/bench/bare'] },
		{
			key: 'needs_browse',
			label: 'needs browse, 8 filter views',
			browse: true,
			paths: [
				'/needs',
				'/needs?category=industry',
				'/needs?region=520000000000&category=education',
				`/needs?region=${county}&urgency=high&urgency=critical`,
				`/needs?q=${word('industry')}`,
				`/needs?q=${word('employment')}&category=employment&sort=needed_by`,
				'/needs?keyCounty=1&sort=urgency',
				'/needs?status=all&sort=remaining&page=3',
			],
		},
		{ key: 'need_detail', label: 'need detail, 100 needs', paths: detail.map((id) => `/needs/${id}`) },
		{
			key: 'offers_browse',
			label: 'offers browse, 6 filter views',
			browse: true,
			paths: ['/offers', '/offers?category=education', '/offers?region=530000000000', `/offers?q=${word('consumption')}`, '/offers?orgKind=central_unit&sort=remaining', '/offers?category=health&page=2'],
		},
		{ key: 'dashboard_county', label: "county official's dashboard", account: 'bench-county', paths: ['/dashboard'] },
		{ key: 'dashboard_province', label: "province official's dashboard", account: 'bench-province', paths: ['/dashboard'] },
		{ key: 'honors', label: 'honor roll', paths: ['/honors', '/honors?year=2025'] },
	]
}

/** Logs in through the real form and returns the session cookie. */
async function login(base: string, username: string): Promise<string> {
	const body = new URLSearchParams({ identifier: username, password: benchPassword(), redirectTo: '/' })
	const res = await fetch(`${base}/login`, { method: 'POST', body, redirect: 'manual', headers: { Origin: base, 'Content-Type': 'application/x-www-form-urlencoded' } })
	const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
	if (res.status !== 302 || !cookie) throw new Error(`log-in as ${username} failed (${res.status}): run npm run bench:data on this database`)
	return cookie
}

function readRssKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
	try {
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
		return m ? Number(m[1]) : null
	} catch {
		return null
	}
}

async function load(base: string, target: Target, cookie: string | undefined, connections = CONNECTIONS, duration = DURATION_S) {
	const latencies: number[] = []
	// As a browser asks: Chinese, compressed (the server then pays for gzip, as it does for users).
	const headers: Record<string, string> = { 'Accept-Language': 'zh-CN', 'Accept-Encoding': 'gzip', ...(cookie ? { Cookie: cookie } : {}) }
	const result = await new Promise<autocannon.Result>((resolve, reject) => {
		const instance = autocannon(
			{ url: base, connections, duration, headers, requests: target.paths.map((p) => ({ method: 'GET', path: p })), timeout: 30 },
			(error, r) => (error ? reject(error) : resolve(r)),
		)
		instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime))
	})
	const s = summary(latencies)
	return { rps: result.requests.average, total: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, ...s }
}

async function benchPages() {
	const nodeOptions = args['server-node-options']
	const server = await startServer({ databaseUrl: url, demo: false, env: { BANGFU_BENCH: '1', BANGFU_BACKGROUND: 'off', ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) } })
	let peak = 0
	const sampler = setInterval(() => (peak = Math.max(peak, readRssKb(server.pid, 'VmRSS') ?? 0)), 250)
	try {
		const targets = await pageTargets()
		const cookies = new Map<string, string>()
		for (const t of targets) if (t.account && !cookies.has(t.account)) cookies.set(t.account, await login(server.url, t.account))
		// Warm-up: every path once; the first browse request fills the embedded search index. The
		// slowest answer of a target's paths is its cold figure (nothing cached yet).
		const cold = new Map<string, number>()
		for (const t of targets) {
			for (const p of t.paths) {
				const t0 = performance.now()
				const res = await fetch(`${server.url}${p}`, { headers: t.account ? { Cookie: cookies.get(t.account) as string } : {} })
				await res.arrayBuffer()
				const took = performance.now() - t0
				if (res.status !== 200) throw new Error(`${p} answered ${res.status} in the warm-up`)
				if (took > 1000) log(`warm-up ${p}: ${(took / 1000).toFixed(1)} s (first use)`)
				cold.set(t.key, Math.max(cold.get(t.key) ?? 0, took))
			}
		}
		log(`server warm; RSS ${Math.round((readRssKb(server.pid, 'VmRSS') ?? 0) / 1024)} MB`)
		const measured: Array<{ target: Target; r: Awaited<ReturnType<typeof load>>; single: Awaited<ReturnType<typeof load>> }> = []
		// The bare route first and last: the ratio uses their mean, so drift shows and is averaged out.
		for (const t of [...targets, targets[0]]) {
			const cookie = t.account ? cookies.get(t.account) : undefined
			const r = await load(server.url, t, cookie)
			// One connection: the page's own time, without queueing behind 31 others.
			const single = await load(server.url, t, cookie, 1, Math.min(3, DURATION_S))
			measured.push({ target: t, r, single })
			log(`${t.label}: ${r.rps.toFixed(0)} req/s, p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, p99 ${ms(r.p99)}; alone p95 ${ms(single.p95)}${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}`)
		}
		const bares = measured.filter((m) => m.target.key === 'bare')
		const bareRps = bares.reduce((s, m) => s + m.r.rps, 0) / bares.length
		for (const { target, r, single } of measured.filter((m) => m.target.key !== 'bare')) {
			const ratio = r.rps / bareRps
			const failed = r.non2xx > 0 || r.errors > 0 || single.non2xx > 0 || single.errors > 0
			const ok = !failed && r.p95 <= TARGETS.pageP95Ms && (!target.browse || ratio >= TARGETS.browseRatio)
			record({
				key: target.key,
				measure: target.label,
				figure: `${r.rps.toFixed(0)} req/s (${ratio.toFixed(2)}× bare), p50 ${ms(r.p50)} · p95 ${ms(r.p95)} · p99 ${ms(r.p99)}; alone p50 ${ms(single.p50)} · p95 ${ms(single.p95)}; cold ${ms(cold.get(target.key) ?? Number.NaN)}${failed ? ` · ${r.non2xx + single.non2xx} non-2xx, ${r.errors + single.errors} errors` : ''}`,
				target: `${target.browse ? `≥ ${TARGETS.browseRatio}× bare, ` : ''}p95 ≤ ${TARGETS.pageP95Ms} ms`,
				met: ok,
				data: { ...r, ratio, paths: target.paths.length, alone: single, coldMs: cold.get(target.key) },
			})
		}
		record({
			key: 'bare',
			measure: 'bare Remix route (baseline, first and last run)',
			figure: `${bareRps.toFixed(0)} req/s, p95 ${bares.map((b) => ms(b.r.p95)).join(' / ')}; alone p95 ${ms(bares[0].single.p95)}`,
			target: '',
			met: null,
			data: { rps: bareRps, runs: bares.map((b) => b.r) },
		})
	} finally {
		clearInterval(sampler)
		const hwm = readRssKb(server.pid, 'VmHWM')
		await server.stop()
		const mb = Math.round((hwm ?? peak) / 1024)
		record({ key: 'rss', measure: 'server peak RSS (pages)', figure: hwm === null && !peak ? 'not measurable here' : `${mb} MB`, target: `≤ ${TARGETS.rssMb} MB`, met: hwm === null && !peak ? null : mb <= TARGETS.rssMb, data: { mb } })
	}
}

// ---------------------------------------------------------------------------------------------
// Search and suggestions, in this process

/** Heap plus array buffers in use after a full collection (`npm run bench` runs with --expose-gc). */
function liveMemory(): number {
	;(globalThis as { gc?: () => void }).gc?.()
	const m = process.memoryUsage()
	return m.heapUsed + m.arrayBuffers
}

/** The first `max` public documents of a type, as the engine's loader wants them. */
async function* firstDocuments(type: SearchType, max: number): AsyncGenerator<SearchDocument[]> {
	let n = 0
	for await (const batch of iterateSearchDocuments(db, type, 1000)) {
		const take = batch.slice(0, max - n)
		n += take.length
		yield take
		if (n >= max) return
	}
}

async function benchSearch() {
	// No result cache: every query is worked out, as a query never asked before would be.
	const engine = createEmbeddedSearchEngine({ load: (type) => firstDocuments(type, type === 'need' ? SEARCH_DOCS : 0), cacheSize: 0 })
	const before = liveMemory()
	const t0 = performance.now()
	const { total: indexed } = await engine.search({ type: 'need', pageSize: 1 })
	const buildS = (performance.now() - t0) / 1000
	const heapMb = Math.round((liveMemory() - before) / 2 ** 20)
	const counties = (await db.selectFrom('region').select('code').where('level', '=', 3).orderBy('code').execute()).map((r) => r.code)
	const provinces = (await db.selectFrom('region').select('code').where('level', '=', 1).execute()).map((r) => r.code)
	const words = Object.values(TOPICS).flat()
	// A mix of what the browse page sends: words, words with facets, facets only, other sorts, deeper pages.
	const queries: SearchQuery[] = Array.from({ length: SEARCH_QUERIES + 30 }, () => {
		const kind = int(0, 5)
		const filters: SearchQuery['filters'] = { status: ['published'] }
		if (kind === 1 || kind === 3) filters.categories = [pick(NEED_CATEGORIES)]
		if (kind === 2) filters.regionPrefix = pick(provinces)
		if (kind === 3) filters.regionPrefix = pick(counties)
		if (kind === 4) filters.keyCounty = true
		return {
			type: 'need',
			q: kind === 4 ? undefined : kind === 5 ? `${pick(words)} ${pick(words)}` : pick(words),
			filters,
			sort: kind === 4 ? 'urgency' : random() < 0.2 ? 'newest' : 'relevance',
			page: random() < 0.15 ? int(2, 5) : 1,
			pageSize: 20,
		}
	})
	const times: number[] = []
	for (const [i, q] of queries.entries()) {
		const t = performance.now()
		await engine.search(q)
		if (i >= 30) times.push(performance.now() - t)
	}
	const s = summary(times)
	record({
		key: 'search',
		measure: `embedded search, ${indexed.toLocaleString('en-US')} need documents`,
		figure: `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · p99 ${ms(s.p99)} (${s.n} queries; index built in ${buildS.toFixed(1)} s, ${heapMb} MB of memory)`,
		target: `p95 ≤ ${TARGETS.searchP95Ms} ms`,
		met: s.p95 <= TARGETS.searchP95Ms,
		data: { ...s, documents: indexed, buildS, heapMb },
	})
}

async function benchSuggest() {
	const engine = createEmbeddedSearchEngine({ load: (type) => (type === 'offer' ? iterateSearchDocuments(db, 'offer', 1000) : Promise.resolve([])) })
	await engine.search({ type: 'offer', pageSize: 1 })
	const activeOffers = await count('offer', (q) => q.where('status', '=', 'active'))
	const ids = (await db.selectFrom('need').select('id').where('status', '=', 'published').where('createdBy', '=', 'BENCH').orderBy('id').execute()).map((r) => r.id)
	const chosen = Array.from({ length: SUGGEST_NEEDS + 20 }, (_, i) => ids[Math.floor((i * ids.length) / (SUGGEST_NEEDS + 20))]).filter(Boolean)
	const times: number[] = []
	let suggested = 0
	for (const [i, id] of chosen.entries()) {
		const t = performance.now()
		const found = await suggestOffersForNeed(db, id, { engine })
		if (i >= 20) {
			times.push(performance.now() - t)
			suggested += found.length
		}
	}
	const s = summary(times)
	record({
		key: 'suggest',
		measure: `suggestions over ${activeOffers.toLocaleString('en-US')} active offers`,
		figure: `p50 ${ms(s.p50)} · p95 ${ms(s.p95)} · p99 ${ms(s.p99)} (${s.n} needs, ${(suggested / Math.max(1, s.n)).toFixed(1)} suggestions each)`,
		target: `p95 ≤ ${TARGETS.suggestP95Ms} ms`,
		met: s.p95 <= TARGETS.suggestP95Ms,
		data: { ...s, activeOffers, meanSuggestions: suggested / Math.max(1, s.n) },
	})
}

// ---------------------------------------------------------------------------------------------
// Import of every village into a scratch database on the same server

async function benchImport() {
	let scratchUrl: string
	let drop: () => Promise<void>
	if (dialect === 'mysql') {
		const u = new URL(url)
		u.pathname = `/${decodeURIComponent(u.pathname.slice(1))}_import`.slice(0, 64)
		scratchUrl = u.toString()
		const cleanup = createDb(url)
		await sql.raw(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1)}\``).execute(cleanup.db)
		await cleanup.destroy()
		await ensureMysqlDatabase(scratchUrl)
		drop = async () => {
			await sql.raw(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1)}\``).execute(db)
		}
	} else {
		const file = path.join(os.tmpdir(), `bangfu-bench-import-${process.pid}.db`)
		scratchUrl = `file:${file}`
		drop = async () => {
			for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
		}
	}
	const scratch = createDb(scratchUrl)
	try {
		await migrateToLatest(scratch.db)
		const t0 = performance.now()
		const result = await importDivisions(scratch.db, dialect, { villageProvinces: 'all' })
		const s = (performance.now() - t0) / 1000
		record({
			key: 'import',
			measure: `import of all divisions (${result.byLevel[5].toLocaleString('en-US')} villages) into an empty database`,
			figure: `${s.toFixed(1)} s`,
			target: `≤ ${TARGETS.importS[dialect]} s on ${dialect === 'mysql' ? 'MySQL' : 'SQLite'}`,
			met: s <= TARGETS.importS[dialect],
			data: { seconds: s, villages: result.byLevel[5], inserted: result.inserted },
		})
	} finally {
		await scratch.destroy()
		await drop()
	}
}

// ---------------------------------------------------------------------------------------------
// 50 clients committing to one need

async function benchWrites() {
	const now = Date.now()
	const village = await db
		.selectFrom('account')
		.innerJoin('membership', 'membership.accountId', 'account.id')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select(['account.id as accountId', 'organization.id as orgId', 'organization.regionCode'])
		.where('account.username', '=', 'bench-village')
		.where('organization.kind', '=', 'village')
		.executeTakeFirst()
	if (!village?.regionCode) throw new Error('no bench-village account: run npm run bench:data on this database')
	const villageActor = (await loadActor(db, village.accountId)) as Actor
	// 50 providers (bench orgs), each with its own new account as owner.
	const orgs = await db.selectFrom('organization').select('id').where('kind', 'in', ['central_unit', 'enterprise', 'social_org']).where('status', '=', 'verified').orderBy('id').limit(WRITE_CLIENTS).execute()
	const passwordHash = await hashPassword(`${benchPassword()}-writer`)
	const run = now.toString(36)
	const accounts = orgs.map((o, i) => ({ id: newId(now), orgId: o.id, username: `bench-writer-${run}-${i}` }))
	await db
		.insertInto('account')
		.values(accounts.map((a) => ({ id: a.id, email: `${a.username}@bench.bangfu.cn`, username: a.username, displayName: `并发测试 ${a.username}`, passwordHash, createdAt: now, updatedAt: now })))
		.execute()
	await db.insertInto('membership').values(accounts.map((a) => ({ orgId: a.orgId, accountId: a.id, role: 'admin', createdAt: now }))).execute()
	const actors = await Promise.all(accounts.map(async (a) => ({ orgId: a.orgId, actor: (await loadActor(db, a.id)) as Actor })))
	// One published need that asks for less than the clients will offer between them.
	const target = 1500
	const needId = newId(now)
	await db
		.insertInto('need')
		.values(
			needRow({
				id: needId,
				villageOrgId: village.orgId,
				villageCode: village.regionCode,
				title: `并发承诺压测 ${run}`,
				description: '50 个帮扶方同时承诺同一需求',
				category: 'talent',
				measure: 'quantity',
				unit: '人',
				target,
				neededBy: chinaDayStart(now) + 120 * DAY_MS,
				reviewedAt: now,
				createdBy: 'BENCH',
			}),
		)
		.execute()
	const dueAt = formatChinaDate(chinaDayStart(now) + 30 * DAY_MS)
	let writes = 0
	let refused = 0
	const failures: string[] = []
	const t0 = performance.now()
	await Promise.all(
		actors.map(async ({ orgId, actor }, client) => {
			const amounts = seededRandom(client + 1)
			for (let k = 0; k < WRITES_PER_CLIENT; k++) {
				try {
					const { id } = await createCommitment(db, needId, { providerOrgId: orgId, amount: String(amounts.int(1, 3)), dueAt }, actor)
					writes++
					await acceptCommitment(db, id, villageActor)
					writes++
				} catch (error) {
					if (error instanceof AppError && (error.code === 'conflict' || error.code === 'invalid')) refused++
					else failures.push((error as Error).message)
				}
			}
		}),
	)
	const seconds = (performance.now() - t0) / 1000
	const counted = await db
		.selectFrom('commitment')
		.select((eb) => [eb.fn.sum<number>('amount').as('total'), eb.fn.countAll<number>().as('n')])
		.where('needId', '=', needId)
		.where('status', 'in', [...COUNTED_STATUSES])
		.executeTakeFirstOrThrow()
	const total = Number(counted.total ?? 0)
	const over = Math.max(0, total - target)
	const perS = writes / seconds
	record({
		key: 'writes',
		measure: `commitment writes, ${WRITE_CLIENTS} clients on one need (pledge then accept, ${WRITES_PER_CLIENT} each)`,
		figure: `${perS.toFixed(0)} writes/s (${writes} in ${seconds.toFixed(1)} s, ${refused} refused as full); accepted ${total} of ${target}, over-committed by ${over}${failures.length ? `; ${failures.length} unexpected errors: ${failures[0]}` : ''}`,
		target: `≥ ${TARGETS.writesPerS} writes/s, 0 over-committed`,
		met: perS >= TARGETS.writesPerS && over === 0 && failures.length === 0,
		data: { writesPerS: perS, writes, seconds, refused, accepted: Number(counted.n), total, target, over, failures: failures.length },
	})
}

// ---------------------------------------------------------------------------------------------

function table(): string {
	const lines = ['| measure | figure | target | result |', '|---|---|---|---|']
	for (const r of rows) lines.push(`| ${r.measure} | ${r.figure} | ${r.target || '—'} | ${r.met === null ? '—' : r.met ? 'met' : '**missed**'} |`)
	return lines.join('\n')
}

try {
	const already = await db.selectFrom('need').select('id').where('createdBy', '=', 'BENCH').limit(1).executeTakeFirst()
	if (!already) throw new Error('no bench data in this database: run npm run bench:data -- --scale national first')
	const where = dialect === 'mysql' ? new URL(url).host + new URL(url).pathname : sqlitePath(url)
	const dbVersion = await databaseVersion()
	const data = await dataset()
	log(`${dialect} ${where}: ${JSON.stringify(data)}`)
	if (ONLY.has('pages')) {
		if (!args['no-build']) {
			log('npm run build')
			execFileSync('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'ignore', 'inherit'] })
		}
		log(`pages: ${CONNECTIONS} connections, ${DURATION_S} s each`)
		await benchPages()
	}
	if (ONLY.has('suggest')) await benchSuggest()
	if (ONLY.has('search')) await benchSearch()
	if (ONLY.has('import')) await benchImport()
	if (ONLY.has('writes')) await benchWrites()

	const date = new Date().toISOString()
	const report = {
		date,
		machine: machine(dbVersion),
		dialect,
		dataset: data,
		config: { durationS: DURATION_S, connections: CONNECTIONS, sections: [...ONLY], accounts: BENCH_ACCOUNTS.map((a) => a.username) },
		targets: TARGETS,
		results: rows,
	}
	const md = [
		`# Bangfu benchmark, ${dialect}, ${date.slice(0, 16).replace('T', ' ')} UTC`,
		'',
		`Machine: ${report.machine.cpus}, ${report.machine.memory}, ${report.machine.os}, Node ${report.machine.node}; ${report.machine.database} (${report.machine.note}).`,
		'',
		`Data: ${Object.entries(data)
			.map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
			.join(', ')}.`,
		'',
		`Pages: autocannon, ${CONNECTIONS} connections, ${DURATION_S} s per page. Produced by \`npm run bench\`.`,
		'',
		table(),
		'',
	].join('\n')
	fs.mkdirSync(args.out, { recursive: true })
	const stem = path.join(args.out, `${date.slice(0, 10)}-${dialect}`)
	fs.writeFileSync(`${stem}.json`, `${JSON.stringify(report, null, '\t')}\n`)
	fs.writeFileSync(`${stem}.md`, md)
	console.log(`\n${table()}\n\nwritten: ${stem}.json, ${stem}.md (${((Date.now() - started) / 1000).toFixed(0)} s)`)
	const missed = rows.filter((r) => r.met === false).length
	console.log(missed ? `${missed} target(s) missed: see docs/performance.md` : 'every target met')
} catch (error) {
	console.error(`bench failed: ${(error as Error).stack ?? error}`)
	process.exitCode = 1
} finally {
	await handle.destroy()
}
