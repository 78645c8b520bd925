import { beforeAll, expect, it } from 'vitest'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { listOrgListings, listVillageProjects } from './listings.server.ts'
import { createNeed, reviewNeed, submitNeed } from './need.server.ts'
import { createProject } from './project.server.ts'

describeDb('org and village listings', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('shows a village its needs (drafts only to members) and the CSR projects in it; an enterprise its projects', async () => {
		const cadre = await makeAccount(ctx.db)
		const village = await makeOrg(ctx.db, 'village', { regionCode: '513431101201', ownerId: cadre.id })
		const cadreActor = await actorFor(ctx.db, cadre.id)
		const date = formatChinaDate(chinaDayStart(Date.now()) + 20 * DAY_MS)
		const input = { description: '说明', category: 'health', measure: 'quantity', quantity: '2', unit: '次', beneficiaries: '100', urgency: 'low', neededBy: date }
		const draft = await createNeed(ctx.db, village, { ...input, title: '草稿：义诊' }, cadreActor)
		const shown = await createNeed(ctx.db, village, { ...input, title: '已发布：义诊' }, cadreActor)
		await submitNeed(ctx.db, shown.id, cadreActor)
		await reviewNeed(ctx.db, shown.id, { decision: 'publish' }, await makeOfficial(ctx.db, '513431000000'))

		const boss = await makeAccount(ctx.db)
		const enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '510000000000', ownerId: boss.id })
		const project = await createProject(
			ctx.db,
			enterprise,
			{ title: '谷曲村光伏项目', description: '说明', type: 'public_welfare', villageCodes: ['513431101201'], plannedInvestment: '500000', startsOn: date, endsOn: date },
			await actorFor(ctx.db, boss.id),
		)

		const villageOrg = { id: village, kind: 'village' as const, villageCode: '513431101201' }
		const asMember = await listOrgListings(ctx.db, villageOrg, cadreActor)
		expect(asMember.needs.map((n) => n.id).sort()).toEqual([draft.id, shown.id].sort())
		expect(asMember.projects.map((p) => p.id)).toEqual([project.id])
		const asPublic = await listOrgListings(ctx.db, villageOrg, null)
		expect(asPublic.needs.map((n) => n.id)).toEqual([shown.id])
		expect(asPublic.offers).toEqual([])

		expect((await listOrgListings(ctx.db, { id: enterprise, kind: 'enterprise', villageCode: null }, null)).projects.map((p) => p.title)).toEqual(['谷曲村光伏项目'])
		expect((await listVillageProjects(ctx.db, '513431101201')).map((p) => p.type)).toEqual(['public_welfare'])
		expect(await listVillageProjects(ctx.db, '513431100201')).toEqual([])
	})
})
