// npm run setup [-- --demo]: everything a fresh database needs, safe to rerun.
// 1. migrate; 2. import the default divisions when the region table is empty (and flag the key
// counties); 3. seed the 2021 East–West map; 4. with --demo, seed the demo world, but only into
// a database without accounts.
import { parseArgs } from 'node:util'
import { importDivisions, seedKeyCounties, DEFAULT_VILLAGE_PROVINCES, parseVillageProvinces } from '#app/models/region-import.server.ts'
import { unsafeSeedEastWest } from '#app/models/pairing.server.ts'
import { createDb, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { migrateToLatest } from '#db/migrate.ts'
import { isDemoSeeded, listDemoAccounts, printDemoAccounts, seedDemoWorld } from './demo-world.ts'

const { values } = parseArgs({ options: { demo: { type: 'boolean', default: false } }, strict: true })
const url = getEnv().databaseUrl
if (/^mysql:/i.test(url)) await ensureMysqlDatabase(url)
const { db, dialect } = createDb(url)
try {
	const migrated = await migrateToLatest(db)
	console.log(`migrations: ${migrated.length ? migrated.map((m) => m.migrationName).join(', ') : 'up to date'}`)

	const region = await db.selectFrom('region').select('code').limit(1).executeTakeFirst()
	if (!region) {
		const fromEnv = process.env.IMPORT_VILLAGE_PROVINCES?.trim()
		const villageProvinces = fromEnv === 'all' ? 'all' : fromEnv ? parseVillageProvinces(fromEnv) : DEFAULT_VILLAGE_PROVINCES
		console.log(`importing divisions (villages of ${villageProvinces === 'all' ? 'all provinces' : villageProvinces.join(', ')})…`)
		const result = await importDivisions(db, dialect, { villageProvinces })
		console.log(`regions: ${result.inserted} imported in ${(result.ms / 1000).toFixed(1)} s`)
		const key = await seedKeyCounties(db)
		console.log(`key counties: ${key.listed} listed, ${key.flagged} flagged`)
	} else {
		console.log('regions: present (run npm run import-divisions to refresh or add villages)')
	}
	const ew = await unsafeSeedEastWest(db)
	console.log(`East–West pairs: ${ew.created} added`)

	if (values.demo) {
		if (await isDemoSeeded(db)) {
			console.log('demo world: already seeded')
			printDemoAccounts(await listDemoAccounts(db))
		} else if (await db.selectFrom('account').select('id').limit(1).executeTakeFirst()) {
			console.log('demo world: NOT seeded, the database already has accounts')
		} else {
			printDemoAccounts(await seedDemoWorld(db))
		}
	}
} finally {
	await db.destroy()
}
