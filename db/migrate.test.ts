import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createTestDb, testDialects } from '#tests/setup/db.ts'
import { CATEGORY_BITS, categoryMask } from '#app/models/marketplace-vocab.ts'
import { createMigrator, migrateDownAll, migrateToLatest } from './migrate.ts'
import { BITS as MASK_BITS } from './migrations/202611240900_suggestion_speedups.ts'
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

describe.each(testDialects)('202611240900_suggestion_speedups [%s]', (dialect) => {
	it('fills the mask of existing offers from offer_category, with the bits the app uses', async () => {
		const handle = await createTestDb(dialect, { migrate: false })
		try {
			const migrator = createMigrator(handle.db)
			const before = await migrator.migrateTo('202611231300_suggestion_indexes')
			expect(before.error).toBeUndefined()
			const { db } = handle
			await sql`insert into organization (id, kind, name, status, created_at, updated_at) values ('o1', 'enterprise', '企业', 'verified', 0, 0)`.execute(db)
			for (const id of ['a', 'b'])
				await sql`insert into offer (id, provider_org_id, title, description, measure, unit, capacity, coverage, valid_from, valid_until, status, status_note, published_at, created_by, created_at, updated_at)
					values (${id}, 'o1', 't', '', 'amount', null, null, 'nationwide', 0, 0, 'active', null, 0, 'x', 0, 0)`.execute(db)
			await sql`insert into offer_category (offer_id, category) values ('a', 'industry'), ('a', 'consumption'), ('a', 'social_protection')`.execute(db)

			await migrateToLatest(db)
			const rows = await sql<{ id: string; categoryMask: number }>`select id, category_mask from offer order by id`.execute(db)
			expect(rows.rows.map((r) => [r.id, Number(r.categoryMask)])).toEqual([
				['a', categoryMask(['industry', 'consumption', 'social_protection'])],
				['b', 0],
			])
			expect(categoryMask(['industry', 'consumption', 'social_protection'])).toBe(1 + 512 + 1024)
		} finally {
			await handle.drop()
		}
	})

	it('froze the same bit order as CATEGORY_BITS (rows store it: never reorder NEED_CATEGORIES)', () => {
		expect(Object.fromEntries(MASK_BITS.map((c, i) => [c, 2 ** i]))).toEqual(CATEGORY_BITS)
	})
})
