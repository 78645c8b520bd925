import { beforeAll, expect, it } from 'vitest'
import { AppError } from '#app/utils/errors.ts'
import { describeDb } from '#tests/setup/db.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions, actorFor } from '#tests/factories.ts'
import { createPairing, endPairing, listPairingsForOrg, listPairingsForRegion } from './pairing.server.ts'

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

describeDb('pairings', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('records 定点帮扶, 东西部协作 and 结对 pairs and shows them on regions and orgs', async () => {
		const province = await makeOfficial(ctx.db, '510000000000')
		const unit = await makeOrg(ctx.db, 'central_unit', { name: '国家某部' })
		const ent = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', name: '杭州某企业' })
		const targeted = await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513431000000', startedYear: 2021 }, province)
		await createPairing(ctx.db, { kind: 'east_west', providerRegionCode: '330000000000', recipientRegionCode: '510000000000', startedYear: 2021 }, province)
		await createPairing(ctx.db, { kind: 'twinning', providerOrgId: ent, recipientRegionCode: '513431100201', startedYear: '2022' }, province)

		const village = await listPairingsForRegion(ctx.db, '513431100201')
		expect(village.map((p) => [p.kind, p.inherited]).sort()).toEqual([
			['east_west', true],
			['targeted', true],
			['twinning', false],
		])
		expect(village.find((p) => p.kind === 'targeted')?.providerOrgName).toBe('国家某部')
		const zhejiang = await listPairingsForRegion(ctx.db, '330000000000')
		expect(zhejiang.map((p) => p.recipientRegionName)).toEqual(['四川省'])
		expect((await listPairingsForOrg(ctx.db, unit)).map((p) => p.id)).toEqual([targeted.id])

		const dup = await appError(createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513431000000', startedYear: 2022 }, province))
		expect(dup.fields).toEqual({ recipientRegionCode: 'errors.pairing_exists' })
		await endPairing(ctx.db, targeted.id, province)
		expect((await listPairingsForRegion(ctx.db, '513431000000')).map((p) => p.kind)).toEqual(['east_west'])
	})

	it('refuses wrong levels and kinds, and officials outside the jurisdiction, writing nothing', async () => {
		const unit = await makeOrg(ctx.db, 'central_unit')
		const pendingUnit = await makeOrg(ctx.db, 'central_unit', { status: 'pending' })
		const ent = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000' })
		const county = await makeOfficial(ctx.db, '513431000000')
		const before = await countRows(ctx.db, 'pairing')
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ kind: 'targeted', providerOrgId: unit, recipientRegionCode: '513431100201', startedYear: 2021 }, { recipientRegionCode: 'errors.pairing_recipient_level_targeted' }],
			[{ kind: 'targeted', providerOrgId: ent, recipientRegionCode: '513431000000', startedYear: 2021 }, { providerOrgId: 'errors.pairing_provider_kind_targeted' }],
			[{ kind: 'targeted', providerOrgId: pendingUnit, recipientRegionCode: '513431000000', startedYear: 2021 }, { providerOrgId: 'errors.org_not_verified' }],
			[{ kind: 'twinning', providerOrgId: ent, recipientRegionCode: '513431000000', startedYear: 2021 }, { recipientRegionCode: 'errors.pairing_recipient_level_twinning' }],
			[{ kind: 'twinning', providerOrgId: ent, recipientRegionCode: '513431100201', startedYear: 1800 }, { startedYear: 'validation.year_invalid' }],
			[{ kind: 'east_west', providerRegionCode: '330000000000', recipientRegionCode: '513431000000', startedYear: 2021 }, { recipientRegionCode: 'errors.pairing_levels_mismatch' }],
		]
		for (const [input, fields] of cases) expect((await appError(createPairing(ctx.db, input, county))).fields).toEqual(fields)

		const outside = await appError(createPairing(ctx.db, { kind: 'twinning', providerOrgId: ent, recipientRegionCode: '513432100201', startedYear: 2021 }, county))
		expect(outside.code).toBe('forbidden')
		const plain = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		expect((await appError(createPairing(ctx.db, { kind: 'twinning', providerOrgId: ent, recipientRegionCode: '513431100201', startedYear: 2021 }, plain))).code).toBe('forbidden')
		expect(await countRows(ctx.db, 'pairing')).toBe(before)

		const other = await makeOfficial(ctx.db, '513432000000')
		const mine = await createPairing(ctx.db, { kind: 'twinning', providerOrgId: ent, recipientRegionCode: '513431100201', startedYear: 2023 }, county)
		expect((await appError(endPairing(ctx.db, mine.id, other))).code).toBe('forbidden')
		const row = await ctx.db.selectFrom('pairing').select('status').where('id', '=', mine.id).executeTakeFirstOrThrow()
		expect(row.status).toBe('active')
	})

	it('lists a pairing once when its region code repeats one level down (东莞 has no counties)', async () => {
		await ctx.db
			.insertInto('region')
			.values([
				{ code: '440000000000', name: '广东省', level: 1, parentCode: null, isKeyCounty: 0 },
				{ code: '441900000000', name: '东莞市', level: 2, parentCode: '440000000000', isKeyCounty: 0 },
				{ code: '441900000000', name: '东莞市', level: 3, parentCode: '441900000000', isKeyCounty: 0 },
			])
			.execute()
		const admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)
		await createPairing(ctx.db, { kind: 'east_west', providerRegionCode: '330100000000', recipientRegionCode: '441900000000', startedYear: 2021 }, admin)
		const rows = await listPairingsForRegion(ctx.db, '441900000000')
		expect(rows.map((r) => [r.providerRegionName, r.recipientRegionName, r.recipientLevel])).toEqual([['杭州市', '东莞市', 2]])
	})
})
