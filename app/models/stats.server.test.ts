import { beforeAll, expect, it } from 'vitest'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { createPairing, endPairing, listPairingProviderOrgs } from './pairing.server.ts'
import {
	countActivePairingsByKind,
	countKeyCounties,
	countVerifiedOrgsByKind,
	getRolePanel,
	getVillageOrg,
	listVillagesWithOrg,
	reviewerRegionCode,
} from './stats.server.ts'

describeDb('stats', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('counts verified orgs by kind (every kind present), optionally within a region', async () => {
		await makeOrg(ctx.db, 'enterprise', { regionCode: '513431000000' })
		await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000' })
		await makeOrg(ctx.db, 'enterprise', { regionCode: '513431000000', status: 'pending' })
		await makeOrg(ctx.db, 'village', { regionCode: '513431100201' })
		const all = await countVerifiedOrgsByKind(ctx.db)
		expect(all.enterprise).toBe(2)
		expect(all.village).toBe(1)
		expect(all.social_org).toBe(0)
		expect(Object.keys(all).sort()).toEqual(['central_unit', 'east_west_partner', 'enterprise', 'government', 'mass_org', 'social_org', 'village'])
		const liangshan = await countVerifiedOrgsByKind(ctx.db, '513400000000')
		expect(liangshan.enterprise).toBe(1)
		expect(liangshan.village).toBe(1)
		expect((await countVerifiedOrgsByKind(ctx.db, '330000000000')).village).toBe(0)
	})

	it('counts active pairings by kind and key counties', async () => {
		const admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		const unit = await makeOrg(ctx.db, 'central_unit')
		const a = await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513431000000', startedYear: 2021 }, admin)
		await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513432000000', startedYear: 2021 }, admin)
		await createPairing(ctx.db, { kind: 'east_west', providerRegionCode: '330000000000', recipientRegionCode: '510000000000', startedYear: 2021 }, admin)
		await endPairing(ctx.db, a.id, admin)
		expect(await countActivePairingsByKind(ctx.db)).toEqual({ targeted: 1, east_west: 1, twinning: 0 })
		expect(await countKeyCounties(ctx.db)).toBe(1)
	})

	it('shows a village org publicly once verified, a pending one only to its members and officials above it', async () => {
		const cadre = await makeAccount(ctx.db)
		const org = await makeOrg(ctx.db, 'village', { regionCode: '513431100202', status: 'pending', ownerId: cadre.id, name: '火普村村委会' })
		const township = await makeOfficial(ctx.db, '513431100000')
		const elsewhere = await makeOfficial(ctx.db, '513432000000')
		const stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		expect(await getVillageOrg(ctx.db, '513431100202', null)).toBeUndefined()
		expect(await getVillageOrg(ctx.db, '513431100202', stranger)).toBeUndefined()
		expect(await getVillageOrg(ctx.db, '513431100202', elsewhere)).toBeUndefined()
		expect((await getVillageOrg(ctx.db, '513431100202', township))?.id).toBe(org)
		expect((await getVillageOrg(ctx.db, '513431100202', await actorFor(ctx.db, cadre.id)))?.status).toBe('pending')
		expect(await listVillagesWithOrg(ctx.db, '513431100000')).toEqual(new Set(['513431100201']))

		await ctx.db.updateTable('organization').set({ status: 'verified' }).where('id', '=', org).execute()
		expect((await getVillageOrg(ctx.db, '513431100202', null))?.name).toBe('火普村村委会')
		expect(await getVillageOrg(ctx.db, 'not-a-code', township)).toBeUndefined()
	})

	it('names who reviews a pending org, mirroring the review scope', () => {
		expect(reviewerRegionCode({ kind: 'village', regionCode: '513431100201' })).toBe('513431100000')
		expect(reviewerRegionCode({ kind: 'enterprise', regionCode: '513431000000' })).toBe('513431000000')
		expect(reviewerRegionCode({ kind: 'government', regionCode: '513431000000' })).toBe('513400000000')
		expect(reviewerRegionCode({ kind: 'government', regionCode: '510000000000' })).toBeNull()
		expect(reviewerRegionCode({ kind: 'central_unit', regionCode: '110000000000' })).toBeNull()
		expect(reviewerRegionCode({ kind: 'social_org', regionCode: null })).toBeNull()
	})

	it('builds the role panel: own orgs with their reviewer, and for officials the queue and jurisdiction', async () => {
		const cadre = await makeAccount(ctx.db)
		await makeOrg(ctx.db, 'village', { regionCode: '513431101201', status: 'pending', ownerId: cadre.id })
		const panel = await getRolePanel(ctx.db, await actorFor(ctx.db, cadre.id))
		expect(panel.isOfficial).toBe(false)
		expect(panel.orgs).toHaveLength(1)
		expect(panel.orgs[0].reviewer).toEqual({ code: '513431101000', name: '四川省 凉山彝族自治州 昭觉县 谷曲乡' })

		const county = await makeOfficial(ctx.db, '513431000000')
		const countyPanel = await getRolePanel(ctx.db, county)
		expect(countyPanel.isOfficial).toBe(true)
		expect(countyPanel.jurisdictions).toEqual([{ code: '513431000000', name: '四川省 凉山彝族自治州 昭觉县' }])
		// The pending 谷曲村 org from above and the pending enterprise from the first test.
		expect(countyPanel.reviewCount).toBeGreaterThanOrEqual(2)
		expect(countyPanel.orgs[0].reviewer).toBeUndefined()
	})

	it('offers verified central units, enterprises and social orgs as pairing providers, central units first', async () => {
		await makeOrg(ctx.db, 'social_org', { name: '某基金会' })
		await makeOrg(ctx.db, 'social_org', { name: '待审基金会', status: 'pending' })
		const options = await listPairingProviderOrgs(ctx.db)
		expect(options.every((o) => ['central_unit', 'enterprise', 'social_org'].includes(o.kind))).toBe(true)
		expect(options[0].kind).toBe('central_unit')
		expect(options.map((o) => o.name)).toContain('某基金会')
		expect(options.map((o) => o.name)).not.toContain('待审基金会')
		expect(await listPairingProviderOrgs(ctx.db, { limit: 1 })).toHaveLength(1)
	})
})
