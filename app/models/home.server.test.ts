import { beforeAll, expect, it } from 'vitest'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { getWorkPanel } from './home.server.ts'
import { createNeed, reviewNeed, submitNeed } from './need.server.ts'
import { createOffer } from './offer.server.ts'

describeDb('home work panel', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('shows a village what waits on it, a provider its offers, an official the review count', async () => {
		const cadre = await makeAccount(ctx.db)
		const village = await makeOrg(ctx.db, 'village', { regionCode: '513431100202', ownerId: cadre.id })
		const cadreActor = await actorFor(ctx.db, cadre.id)
		const neededBy = formatChinaDate(chinaDayStart(Date.now()) + 30 * DAY_MS)
		const need = (title: string) =>
			createNeed(ctx.db, village, { title, description: '说明', category: 'industry', measure: 'amount', amount: '1000', beneficiaries: '3', urgency: 'normal', neededBy }, cadreActor)
		const draft = await need('草稿需求')
		const returned = await need('被退回的需求')
		const submitted = await need('待审核需求')
		await submitNeed(ctx.db, returned.id, cadreActor)
		await submitNeed(ctx.db, submitted.id, cadreActor)
		const township = await makeOfficial(ctx.db, '513431100000')
		await reviewNeed(ctx.db, returned.id, { decision: 'return', reason: '请补充照片' }, township)

		const villagePanel = await getWorkPanel(ctx.db, cadreActor)
		expect(villagePanel.villages).toHaveLength(1)
		expect(villagePanel.villages[0].waiting.map((n) => [n.id, n.status]).sort()).toEqual(
			[
				[draft.id, 'draft'],
				[returned.id, 'returned'],
			].sort(),
		)
		expect(villagePanel.villages[0]).toMatchObject({ total: 3, submitted: 1, published: 0 })
		expect(villagePanel.providers).toEqual([])
		expect(villagePanel.needReviewCount).toBe(0)

		expect((await getWorkPanel(ctx.db, township)).needReviewCount).toBe(1)

		const staff = await makeAccount(ctx.db)
		const unit = await makeOrg(ctx.db, 'central_unit', { ownerId: staff.id })
		const staffActor = await actorFor(ctx.db, staff.id)
		await createOffer(
			ctx.db,
			unit,
			{ title: '培训资源', description: '说明', categories: ['talent'], measure: 'quantity', capacity: '10', unit: '人', coverage: 'nationwide', validFrom: neededBy, validUntil: neededBy },
			staffActor,
		)
		const providerPanel = await getWorkPanel(ctx.db, staffActor)
		expect(providerPanel.providers).toMatchObject([{ orgId: unit, offerCount: 1, offers: [{ title: '培训资源', status: 'draft' }], projectCount: 0 }])
		expect(providerPanel.villages).toEqual([])

		// A suspended village org shows nothing: it can do nothing.
		await ctx.db.updateTable('organization').set({ status: 'suspended' }).where('id', '=', village).execute()
		expect((await getWorkPanel(ctx.db, await actorFor(ctx.db, cadre.id))).villages).toEqual([])
	})
})
