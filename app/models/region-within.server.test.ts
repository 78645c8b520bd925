import type { CompiledQuery } from 'kysely'
import { expect, it } from 'vitest'
import { describeDb } from '#tests/setup/db.ts'
import { makeOrg, needRow, seedRegions } from '#tests/factories.ts'
import { refreshPlannerStatistics } from '#app/utils/db.server.ts'
import { regionPrefix } from './region-code.ts'
import { withinRegion } from './region.server.ts'

describeDb('withinRegion', (ctx) => {
	it('selects the same regions as a prefix LIKE, at every level', async () => {
		await seedRegions(ctx.db)
		for (const code of ['510000000000', '513400000000', '513431000000', '513431100000', '513431100201', '330000000000', '990000000000']) {
			const byRange = await ctx.db.selectFrom('region').select('code').where(withinRegion('code', code)).orderBy('code').orderBy('level').execute()
			const byLike = await ctx.db.selectFrom('region').select('code').where('code', 'like', `${regionPrefix(code)}%`).orderBy('code').orderBy('level').execute()
			expect(byRange).toEqual(byLike)
		}
		expect((await ctx.db.selectFrom('region').select('code').where(withinRegion('code', '513431000000')).execute()).length).toBeGreaterThan(3)
	})

	it('is answered from an index on SQLite once it has statistics, where a prefix LIKE is not', async () => {
		// MySQL uses an index for both (measured at national scale by npm run db:explain).
		if (ctx.dialect !== 'sqlite') return
		await seedRegions(ctx.db)
		const villageOrgId = await makeOrg(ctx.db, 'village', { regionCode: '513431100201' })
		// Many needs of one status across two counties: the status says little, the region a lot.
		const rows = Array.from({ length: 400 }, (_, i) =>
			needRow({ villageOrgId, villageCode: i % 20 ? '513432100201' : '513431100201', status: i % 4 ? 'published' : 'submitted' }),
		)
		await ctx.db.insertInto('need').values(rows).execute()
		await refreshPlannerStatistics(ctx.db)
		const plan = async (query: CompiledQuery) => JSON.stringify((await ctx.db.executeQuery({ ...query, sql: `explain query plan ${query.sql}` } as CompiledQuery)).rows)
		const needs = ctx.db.selectFrom('need').select('id').where('status', '=', 'submitted')
		expect(await plan(needs.where(withinRegion('villageCode', '513431000000')).compile())).toMatch(/SEARCH need USING (COVERING )?INDEX need_village_idx \(village_code>\? AND village_code<\?\)/)
		expect(await plan(needs.where('villageCode', 'like', '513431%').compile())).not.toMatch(/need_village_idx/)
		expect((await needs.where(withinRegion('villageCode', '513431000000')).execute()).length).toBe(rows.filter((r) => r.status === 'submitted' && r.villageCode === '513431100201').length)
	})
})
