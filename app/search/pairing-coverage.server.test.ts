import { beforeAll, expect, it } from 'vitest'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import { createPairing, endPairing } from '#app/models/pairing.server.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { drainSearchOutbox } from './drain.server.ts'
import { createEmbeddedSearchEngine } from './embedded.server.ts'

describeDb("search: offers covering 'my pairings' follow the pairings", (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('is not indexed while the provider has no pairing, found in the county once paired, dropped when the pairing ends', async () => {
		const engine = createEmbeddedSearchEngine()
		const staff = await makeAccount(ctx.db)
		const unit = await makeOrg(ctx.db, 'central_unit', { ownerId: staff.id })
		const actor = await actorFor(ctx.db, staff.id)
		const official = await makeOfficial(ctx.db, '510000000000')
		const today = formatChinaDate(chinaDayStart(Date.now()))
		const later = formatChinaDate(chinaDayStart(Date.now()) + 90 * DAY_MS)
		const pairing = await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513431000000', startedYear: 2021 }, official)
		const { id } = await createOffer(
			ctx.db,
			unit,
			{ title: '定点帮扶产业资金', description: '说明', categories: ['industry'], measure: 'amount', capacity: '10000', coverage: 'pairings', validFrom: today, validUntil: later },
			actor,
		)
		await transitionOffer(ctx.db, id, { action: 'publish' }, actor)
		await drainSearchOutbox(ctx.db, engine)
		const inCounty = () => engine.search({ type: 'offer', q: '产业', filters: { regionPrefix: '513431000000' } }).then((r) => r.hits.map((h) => h.id))
		expect(await inCounty()).toEqual([id])

		await endPairing(ctx.db, pairing.id, official)
		expect((await drainSearchOutbox(ctx.db, engine)).removed).toBeGreaterThan(0)
		expect(await inCounty()).toEqual([])
		expect((await engine.search({ type: 'offer', q: '产业' })).hits).toEqual([])

		await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513432000000', startedYear: 2024 }, official)
		await drainSearchOutbox(ctx.db, engine)
		expect((await engine.search({ type: 'offer', q: '产业', filters: { regionPrefix: '513432000000' } })).hits.map((h) => h.id)).toEqual([id])
	})
})
