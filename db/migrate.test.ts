import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createTestDb, testDialects } from '#tests/setup/db.ts'
import { migrateDownAll, migrateToLatest } from './migrate.ts'
import { migrations } from './migrations/index.ts'

async function tableNames(db: Parameters<typeof migrateToLatest>[0]) {
	const tables = await db.introspection.getTables()
	return tables.map((t) => t.name).filter((n) => !n.startsWith('kysely_')).sort()
}

describe.each(testDialects)('migrations [%s]', (dialect) => {
	it('go up, all the way down, and up again', async () => {
		const handle = await createTestDb(dialect, { migrate: false })
		try {
			const up = await migrateToLatest(handle.db)
			expect(up.map((r) => r.migrationName)).toEqual(Object.keys(migrations))
			const tables = await tableNames(handle.db)
			expect(tables).toEqual(expect.arrayContaining(['account', 'event', 'membership', 'organization', 'pairing', 'region', 'session']))

			const down = await migrateDownAll(handle.db)
			expect(down.every((r) => r.status === 'Success')).toBe(true)
			expect(await tableNames(handle.db)).toEqual([])

			await migrateToLatest(handle.db)
			expect(await tableNames(handle.db)).toEqual(tables)
			// A second run has nothing left to do.
			expect(await migrateToLatest(handle.db)).toEqual([])
			// Chinese text survives the round trip on both dialects (utf8mb4 on MySQL).
			await sql`insert into region (code, name, level) values ('520000000000', '贵州省𠀀', 1)`.execute(handle.db)
			const row = await handle.db.selectFrom('region').select('name').executeTakeFirstOrThrow()
			expect(row.name).toBe('贵州省𠀀')
		} finally {
			await handle.drop()
		}
	})
})
