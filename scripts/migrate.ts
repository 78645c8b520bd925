// npm run db:migrate            brings the database named by DATABASE_URL to the latest schema
// npm run db:migrate -- --down  undoes the last migration (--down all: every migration)
// On MySQL the database is created (utf8mb4) if it does not exist.
import { parseArgs } from 'node:util'
import { createDb, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'
import { createMigrator, migrateDownAll, migrateToLatest } from '#db/migrate.ts'

const { values } = parseArgs({ options: { down: { type: 'string' } }, strict: true, allowNegative: false })
const url = getEnv().databaseUrl
if (/^mysql:/i.test(url)) await ensureMysqlDatabase(url)
const { db, dialect } = createDb(url)
try {
	console.log(`database: ${dialect} (${url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')})`)
	if (values.down !== undefined) {
		const results = values.down === 'all' ? await migrateDownAll(db) : (await createMigrator(db).migrateDown()).results ?? []
		for (const r of results) console.log(`down ${r.status.padEnd(8)} ${r.migrationName}`)
		if (!results.length) console.log('nothing to undo')
	} else {
		const results = await migrateToLatest(db)
		for (const r of results) console.log(`up   ${r.status.padEnd(8)} ${r.migrationName}`)
		if (!results.length) console.log('schema is up to date')
	}
} catch (error) {
	console.error(`migration failed: ${(error as Error).message}`)
	process.exitCode = 1
} finally {
	await db.destroy()
}
