// Test databases: SQLite always (a fresh in-memory database per test file), MySQL as well when
// TEST_MYSQL_URL is set (a fresh database per worker, recreated for each file and dropped after).
import { afterAll, beforeAll, describe } from 'vitest'
import { type Database, type Dialect, type DbHandle, createDb, ensureMysqlDatabase } from '#app/utils/db.server.ts'
import { migrateToLatest } from '#db/migrate.ts'

export const testDialects: Dialect[] = process.env.TEST_MYSQL_URL ? ['sqlite', 'mysql'] : ['sqlite']

function mysqlUrlFor(base: string, suffix = ''): { url: string; name: string } {
	const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? '0'
	// ppid is the vitest main process: two test runs at once never share a database.
	const name = `bangfu_t${process.ppid}_${worker}${suffix}`
	const url = new URL(base)
	url.pathname = `/${name}`
	return { url: url.toString(), name }
}

/**
 * A fresh, migrated database of the given dialect. `drop` removes it (MySQL) or closes it. A test
 * that needs two MySQL databases at once names the second with `suffix`.
 */
export async function createTestDb(dialect: Dialect, options: { migrate?: boolean; suffix?: string } = {}): Promise<DbHandle & { drop: () => Promise<void> }> {
	if (dialect === 'sqlite') {
		const handle = createDb(':memory:')
		if (options.migrate !== false) await migrateToLatest(handle.db)
		return { ...handle, drop: handle.destroy }
	}
	const base = process.env.TEST_MYSQL_URL
	if (!base) throw new Error('TEST_MYSQL_URL is not set')
	const { url, name } = mysqlUrlFor(base, options.suffix)
	const admin = createDb(base, { poolSize: 1 })
	const { sql } = await import('kysely')
	await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(admin.db)
	await admin.destroy()
	await ensureMysqlDatabase(url)
	const handle = createDb(url, { poolSize: 20 })
	if (options.migrate !== false) await migrateToLatest(handle.db)
	return {
		...handle,
		drop: async () => {
			await sql.raw(`DROP DATABASE IF EXISTS \`${name}\``).execute(handle.db)
			await handle.destroy()
		},
	}
}

/**
 * Runs the same suite once per test dialect, each against its own fresh database:
 *   describeDb('needs', (ctx) => { it('…', async () => { await createNeed(ctx.db, …) }) })
 */
export function describeDb(name: string, fn: (ctx: { readonly db: Database; readonly dialect: Dialect }) => void) {
	describe.each(testDialects)(`${name} [%s]`, (dialect) => {
		let handle: (DbHandle & { drop: () => Promise<void> }) | undefined
		const ctx = {
			get db() {
				if (!handle) throw new Error('test database not ready')
				return handle.db
			},
			dialect,
		}
		beforeAll(async () => {
			handle = await createTestDb(dialect)
		}, 60_000)
		afterAll(async () => {
			await handle?.drop()
		})
		fn(ctx)
	})
}
