// npm run bench:export                     SQLite: a temporary database file under the OS temp dir
// DATABASE_URL=mysql://user@host/x npm run bench:export   MySQL: a fresh database on that server
//                                          (the name in the URL is replaced), dropped afterwards
// Builds 100,000 published needs (deterministic: same seed, same data) in 40 villages of a small
// region tree, with 10,000 commitments, then exports them all as xlsx and as CSV the way
// /needs/export does (listExport → spreadsheetResponse) into a sink that counts the bytes and keeps
// none, sampling the process's RSS and heap every 50 ms (and at every chunk). Prints figures, never
// asserts: they go to docs/export.md. BENCH_KEEP=1 keeps the database.
//
// NOTE: not through the route module itself: it translates with app/i18n.ts, which loads the
// locale files with Vite's import.meta.glob (tsx has none); the bench reads the same JSON files.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Kysely, sql } from 'kysely'
import type { DB, Measure, NeedCategory, Urgency } from '#db/schema.ts'
import { LIST_EXPORT_COLUMNS, listExport } from '#app/models/list-export.server.ts'
import { NEED_CATEGORIES } from '#app/models/marketplace-vocab.ts'
import { DAY_MS, chinaDayStart } from '#app/utils/china-date.ts'
import { type Dialect, createDb, dialectOf, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { newId } from '#app/utils/id.ts'
import { type SpreadsheetFormat, type SpreadsheetRow, spreadsheetResponse } from '#app/utils/spreadsheet.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { insertAll, seededRandom } from './bench-util.ts'

const KEEP = process.env.BENCH_KEEP === '1'
const SIZES = { needs: 100_000, villages: 40, commitments: 10_000 }
const SAMPLE_MS = 50
const MB = 1024 * 1024

// ---------------------------------------------------------------------------------------------
// Deterministic randomness (mulberry32)

const { random, int, pick } = seededRandom(20260601)

const TOPICS = ['食用菌种植', '茶叶产业', '中药材种植', '肉牛养殖', '蔬菜大棚', '村道硬化', '饮水安全', '助学金', '义诊', '劳务输出', '农产品采购', '留守儿童关爱']

// ---------------------------------------------------------------------------------------------
// Database

type Handle = { db: Kysely<DB>; dialect: Dialect; where: string; cleanup: () => Promise<void> }

async function openDatabase(): Promise<Handle> {
	const url = process.env.DATABASE_URL?.trim()
	if (url && dialectOf(url) === 'mysql') {
		const target = new URL(url)
		const name = `bangfu_bench_export_${process.pid}`
		target.pathname = `/${name}`
		await ensureMysqlDatabase(target.toString())
		const handle = createDb(target.toString(), { poolSize: 4 })
		return {
			db: handle.db,
			dialect: 'mysql',
			where: `mysql ${target.host}/${name}`,
			cleanup: async () => {
				if (!KEEP) await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(handle.db)
				await handle.destroy()
			},
		}
	}
	const file = path.join(os.tmpdir(), `bangfu-bench-export-${process.pid}.db`)
	const handle = createDb(`file:${file}`)
	return {
		db: handle.db,
		dialect: 'sqlite',
		where: `sqlite ${file}`,
		cleanup: async () => {
			await handle.destroy()
			if (!KEEP) for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true })
		},
	}
}

async function buildWorld(db: Kysely<DB>, now: number) {
	const t0 = performance.now()
	await migrateToLatest(db)
	// A few regions: 贵州省 › 毕节市 › two counties (one a key county) › two townships each › villages.
	const regions: Array<{ code: string; name: string; level: 1 | 2 | 3 | 4 | 5; parentCode: string | null; isKeyCounty: number }> = [
		{ code: '520000000000', name: '贵州省', level: 1, parentCode: null, isKeyCounty: 0 },
		{ code: '520500000000', name: '毕节市', level: 2, parentCode: '520000000000', isKeyCounty: 0 },
	]
	const villages: string[] = []
	for (const [county, name, key] of [
		['520524000000', '织金县', 1],
		['520525000000', '纳雍县', 0],
	] as const) {
		regions.push({ code: county, name, level: 3, parentCode: '520500000000', isKeyCounty: key })
		for (let t = 1; t <= 2; t++) {
			const township = `${county.slice(0, 6)}${String(100 + t)}000`
			regions.push({ code: township, name: `${name.slice(0, 2)}${t}镇`, level: 4, parentCode: county, isKeyCounty: 0 })
			for (let v = 1; v <= SIZES.villages / 4; v++) {
				const code = `${township.slice(0, 9)}${String(200 + v)}`
				regions.push({ code, name: `${name.slice(0, 2)}${t}镇${v}村`, level: 5, parentCode: township, isKeyCounty: 0 })
				villages.push(code)
			}
		}
	}
	await insertAll(db, 'region', regions)

	const org = { subtype: null, uscc: null, status: 'verified', statusReason: null, reviewedBy: null, reviewedAt: null, description: '', contactName: null, contactPhone: null, isDemo: 0, createdBy: null, createdAt: now, updatedAt: now }
	const villageOrgs = villages.map((code, i) => ({ ...org, id: newId(now), kind: 'village', name: `村民委员会${i}`, regionCode: code, villageCode: code }))
	const providers = Array.from({ length: 50 }, (_, i) => ({ ...org, id: newId(now), kind: 'enterprise', name: `帮扶企业${i}`, regionCode: null, villageCode: null }))
	await insertAll(db, 'organization', [...villageOrgs, ...providers])

	const today = chinaDayStart(now)
	const needs: Array<Record<string, unknown>> = []
	for (let i = 0; i < SIZES.needs; i++) {
		const village = pick(villageOrgs)
		const measure: Measure = random() < 0.6 ? 'amount' : 'quantity'
		const category: NeedCategory = pick(NEED_CATEGORIES)
		needs.push({
			id: newId(now),
			villageOrgId: village.id,
			villageCode: village.regionCode,
			title: `${village.name}${pick(TOPICS)}${pick(['', '项目', '需求', '急需支持'])}`,
			description: '',
			category,
			measure,
			unit: measure === 'quantity' ? pick(['人', '吨', '个']) : null,
			target: measure === 'amount' ? int(5_000, 2_000_000) * 100 + int(0, 99) : int(5, 500),
			beneficiaries: int(10, 2_000),
			urgency: pick<Urgency>(['low', 'normal', 'high', 'critical']),
			neededBy: today + int(5, 300) * DAY_MS,
			status: 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: now,
			submittedAt: now,
			publishedAt: now - int(0, 365) * DAY_MS,
			closedAt: null,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
	}
	await insertAll(db, 'need', needs)
	const commitments: object[] = []
	for (let i = 0; i < SIZES.commitments; i++) {
		const need = pick(needs)
		const verified = random() < 0.4
		const amount = need.measure === 'amount' ? int(1_000, 50_000) * 100 : int(1, 20)
		commitments.push({
			id: newId(now),
			needId: need.id,
			offerId: null,
			providerOrgId: pick(providers).id,
			villageOrgId: need.villageOrgId,
			villageCode: need.villageCode,
			amount,
			deliveredAmount: verified ? amount : null,
			status: verified ? 'verified' : 'accepted',
			message: '',
			dueAt: now + int(-100, 100) * DAY_MS,
			lapseAt: now,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: now,
			deliveryStartedAt: null,
			deliveredAt: null,
			verifiedAt: verified ? now : null,
			verifiedBy: null,
			closedAt: null,
			createdBy: 'BENCH',
			createdAt: now,
			updatedAt: now,
		})
	}
	await insertAll(db, 'commitment', commitments)
	return { regions: regions.length, villages: villages.length, needs: needs.length, commitments: commitments.length, seconds: ((performance.now() - t0) / 1000).toFixed(1) }
}

// ---------------------------------------------------------------------------------------------
// Translations: the same files the app loads (app/i18n.ts), merged the same way.

function loadTranslate(language: string): (key: string) => string {
	const dir = path.join(import.meta.dirname, '..', 'app', 'locales', language)
	const tree: Record<string, unknown> = {}
	const merge = (target: Record<string, unknown>, source: Record<string, unknown>) => {
		for (const [key, value] of Object.entries(source)) {
			const existing = target[key]
			if (value && typeof value === 'object' && existing && typeof existing === 'object') merge(existing as Record<string, unknown>, value as Record<string, unknown>)
			else target[key] = value
		}
	}
	for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) merge(tree, JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')))
	return (key) => {
		let node: unknown = tree
		for (const part of key.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined
		return typeof node === 'string' ? node : key
	}
}

// ---------------------------------------------------------------------------------------------
// Measuring

type Peak = { rss: number; heap: number }

function memory(): Peak {
	const m = process.memoryUsage()
	return { rss: m.rss, heap: m.heapUsed }
}

function settle() {
	const gc = (globalThis as { gc?: () => void }).gc
	gc?.()
	gc?.()
}

async function runExport(db: Kysely<DB>, format: SpreadsheetFormat, t: (key: string) => string, query = 'status=published') {
	settle()
	const baseline = memory()
	const peak = { ...baseline }
	const sample = () => {
		const m = memory()
		if (m.rss > peak.rss) peak.rss = m.rss
		if (m.heap > peak.heap) peak.heap = m.heap
	}
	const timer = setInterval(sample, SAMPLE_MS)
	const started = performance.now()
	// What /needs/export does for `?<query>&format=…`, signed out.
	const { columns, rows } = listExport(db, 'needs', new URL(`http://localhost/needs/export?${query}&format=${format}`), null, { t, money: format === 'csv' ? 'text' : 'number' })
	let count = 0
	async function* counted(): AsyncGenerator<SpreadsheetRow> {
		for await (const row of rows) {
			count++
			yield row
		}
	}
	const response = spreadsheetResponse({ format, filename: 'bench', sheetName: t('export.names.needs'), columns: columns.map((c) => ({ ...c, header: t(c.header) })), rows: counted() })
	// The counting sink: reads like a fast client, keeps nothing, and gives the event loop a turn
	// now and then as a socket write would (better-sqlite3 answers synchronously).
	let bytes = 0
	let chunks = 0
	const reader = (response.body as ReadableStream<Uint8Array>).getReader()
	for (;;) {
		const { done, value } = await reader.read()
		if (done) break
		bytes += value.byteLength
		sample()
		if (++chunks % 16 === 0) await new Promise((resolve) => setImmediate(resolve))
	}
	clearInterval(timer)
	sample()
	return { format: `${format} ${query}`, rows: count, bytes, chunks, seconds: (performance.now() - started) / 1000, baseline, peak }
}

const mb = (n: number) => (n / MB).toFixed(1)

const handle = await openDatabase()
const now = Date.now()
try {
	console.log(`bench:export on ${handle.where}; node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GB`)
	if (!(globalThis as { gc?: unknown }).gc) console.log('(no --expose-gc: baselines are taken without a forced collection)')
	const world = await buildWorld(handle.db, now)
	console.log('data:', JSON.stringify(world))
	const t = loadTranslate('zh-CN')
	console.log(`columns: ${LIST_EXPORT_COLUMNS.needs.length} (${LIST_EXPORT_COLUMNS.needs.map((c) => t(c.header)).join(', ')})`)
	// The whole list in both formats, then a quarter of it (one township) to show the peak does not
	// grow with the rows.
	for (const [format, query] of [
		['xlsx', 'status=published'],
		['csv', 'status=published'],
		['xlsx', 'region=520524101000'],
	] as const) {
		const r = await runExport(handle.db, format, t, query)
		console.log(
			`${r.format.padEnd(25)}  rows ${r.rows}  bytes ${r.bytes} (${mb(r.bytes)} MB, ${r.chunks} chunks)  ${r.seconds.toFixed(1)} s` +
				`  baseline RSS ${mb(r.baseline.rss)} MB heap ${mb(r.baseline.heap)} MB` +
				`  peak RSS ${mb(r.peak.rss)} MB (+${mb(r.peak.rss - r.baseline.rss)})  peak heap ${mb(r.peak.heap)} MB (+${mb(r.peak.heap - r.baseline.heap)})`,
		)
	}
} catch (error) {
	console.error(`bench failed: ${(error as Error).stack ?? error}`)
	process.exitCode = 1
} finally {
	await handle.cleanup()
	if (KEEP) console.log(`kept: ${handle.where}`)
}
