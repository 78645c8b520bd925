import { sql } from 'kysely'
import { expect, it } from 'vitest'
import { describeDb } from '#tests/setup/db.ts'
import { makeOrg } from '#tests/factories.ts'
import { refreshPlannerStatistics } from './db.server.ts'

describeDb('refreshPlannerStatistics', (ctx) => {
	it('runs on both dialects; on SQLite it leaves statistics for the planner', async () => {
		for (let i = 0; i < 30; i++) await makeOrg(ctx.db, i % 2 ? 'enterprise' : 'social_org')
		await refreshPlannerStatistics(ctx.db)
		await refreshPlannerStatistics(ctx.db)
		if (ctx.dialect !== 'sqlite') return
		const { rows } = await sql<{ n: number }>`select count(*) as n from sqlite_stat1`.execute(ctx.db)
		expect(Number(rows[0].n)).toBeGreaterThan(0)
	})
})
