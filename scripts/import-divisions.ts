// npm run import-divisions [-- --all | --villages 52,63,64] [--skip-key-counties]
// Imports the administrative divisions into `region` (migrating first), then flags the key
// counties listed in data/key-counties.csv. Safe to rerun. See docs/import-divisions.md.
import { parseArgs } from 'node:util'
import {
	DEFAULT_VILLAGE_PROVINCES,
	type ImportProgress,
	importDivisions,
	parseVillageProvinces,
	seedKeyCounties,
} from '#app/models/region-import.server.ts'
import { createDb, dialectOf, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import type { RegionLevel } from '#db/schema.ts'

const USAGE = `usage: npm run import-divisions -- [--all | --villages 52,63,64] [--skip-key-counties]
  --all                 import the villages of every province (620k rows)
  --villages <codes>    two-digit province codes whose villages are imported
                        (default: IMPORT_VILLAGE_PROVINCES or ${DEFAULT_VILLAGE_PROVINCES.join(',')})
  --skip-key-counties   do not flag the counties listed in data/key-counties.csv`

const LEVEL_NAMES: Record<RegionLevel, string> = {
	1: 'provinces',
	2: 'cities',
	3: 'counties',
	4: 'townships',
	5: 'villages',
}

const VILLAGE_PROGRESS_STEP = 50_000

function parseFlags(argv: string[]) {
	const { values } = parseArgs({
		args: argv,
		options: {
			all: { type: 'boolean', default: false },
			villages: { type: 'string' },
			'skip-key-counties': { type: 'boolean', default: false },
			help: { type: 'boolean', short: 'h', default: false },
		},
		strict: true,
		allowPositionals: false,
	})
	if (values.all && values.villages !== undefined) throw new Error('use either --all or --villages, not both')
	const fromEnv = process.env.IMPORT_VILLAGE_PROVINCES?.trim()
	const villageProvinces: string[] | 'all' = values.all
		? 'all'
		: values.villages !== undefined
			? parseVillageProvinces(values.villages)
			: fromEnv
				? fromEnv === 'all'
					? 'all'
					: parseVillageProvinces(fromEnv)
				: DEFAULT_VILLAGE_PROVINCES
	return { help: values.help, villageProvinces, skipKeyCounties: values['skip-key-counties'] }
}

/** The URL without its password, for the log. */
function redact(url: string): string {
	if (dialectOf(url) !== 'mysql') return url
	try {
		const parsed = new URL(url)
		if (parsed.password) parsed.password = '***'
		return parsed.toString()
	} catch {
		return url
	}
}

const fmt = (n: number) => n.toLocaleString('en-US')

async function main() {
	const flags = parseFlags(process.argv.slice(2))
	if (flags.help) {
		console.log(USAGE)
		return
	}
	const url = getEnv().databaseUrl
	const dialect = dialectOf(url)
	if (dialect === 'mysql') await ensureMysqlDatabase(url)
	const handle = createDb(url)
	try {
		console.log(`database: ${redact(url)} (${dialect})`)
		await migrateToLatest(handle.db)
		const villages = flags.villageProvinces === 'all' ? 'all provinces' : `provinces ${flags.villageProvinces.join(', ')}`
		console.log(`importing provinces, cities, counties, townships; villages of ${villages}`)

		let nextVillageReport = VILLAGE_PROGRESS_STEP
		const started = performance.now()
		const seconds = () => ((performance.now() - started) / 1000).toFixed(1)
		const onProgress = (p: ImportProgress) => {
			if (p.finished) {
				console.log(`  ${LEVEL_NAMES[p.level].padEnd(9)} ${fmt(p.done).padStart(9)} rows  (${seconds()} s)`)
			} else if (p.level === 5 && p.done >= nextVillageReport) {
				console.log(`  villages  ${fmt(p.done).padStart(9)} …     (${seconds()} s)`)
				while (nextVillageReport <= p.done) nextVillageReport += VILLAGE_PROGRESS_STEP
			}
		}
		const result = await importDivisions(handle.db, handle.dialect, { villageProvinces: flags.villageProvinces }, onProgress)

		console.log('')
		console.log('level  kind      rows this run')
		for (const level of [1, 2, 3, 4, 5] as const) {
			console.log(`${String(level).padEnd(6)} ${LEVEL_NAMES[level].padEnd(9)} ${fmt(result.byLevel[level]).padStart(9)}`)
		}
		const total = Object.values(result.byLevel).reduce((a, b) => a + b, 0)
		console.log(`total            ${fmt(total).padStart(9)}`)
		console.log(`inserted ${fmt(result.inserted)}, updated ${fmt(result.updated)}, unchanged ${fmt(result.unchanged)}`)
		console.log(`import took ${(result.ms / 1000).toFixed(1)} s`)

		if (flags.skipKeyCounties) {
			console.log('key counties: skipped (--skip-key-counties)')
		} else {
			const seeded = await seedKeyCounties(handle.db)
			console.log(
				`key counties: ${seeded.listed} listed, ${seeded.flagged} newly flagged, ${seeded.alreadyFlagged} already flagged`,
			)
		}
	} finally {
		await handle.destroy()
	}
}

main().catch((error: unknown) => {
	console.error(`import-divisions failed: ${error instanceof Error ? error.message : String(error)}`)
	if (String((error as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS')) console.error(USAGE)
	process.exitCode = 1
})
