import { beforeAll, describe, expect, it } from 'vitest'
import { createPairing } from '#app/models/pairing.server.ts'
import { countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { action, loader } from './pairings.tsx'

const VILLAGE = '513431100201' // 三河村, in 昭觉县
const OTHER_VILLAGE = '513431100202' // 火普村, in 昭觉县
const COUNTY = '513431000000' // 昭觉县
const OTHER_COUNTY = '513432000000' // 喜德县

type Row = { id: string; kind: string; recipientRegionCode: string; canEnd: boolean; recipientFullName: string }

describe('pairings route', () => {
	const ctx = useGlobalTestDb()
	let county: string
	let elsewhere: string
	let citizen: string
	let enterprise: string
	let pendingEnterprise: string
	let targetedId: string
	let twinningId: string

	beforeAll(async () => {
		await seedRegions(ctx.db)
		const countyActor = await makeOfficial(ctx.db, COUNTY)
		county = countyActor.accountId
		elsewhere = (await makeOfficial(ctx.db, OTHER_COUNTY)).accountId
		citizen = (await makeAccount(ctx.db)).id
		const province = await makeOfficial(ctx.db, '510000000000')
		const unit = await makeOrg(ctx.db, 'central_unit', { name: '国家某部' })
		enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', name: '杭州某企业' })
		pendingEnterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', status: 'pending', name: '待审企业' })
		targetedId = (await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: COUNTY, startedYear: 2021 }, province)).id
		await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: OTHER_COUNTY, startedYear: 2021 }, province)
		await createPairing(ctx.db, { kind: 'east_west', providerRegionCode: '330000000000', recipientRegionCode: '510000000000', startedYear: 2021 }, province)
		twinningId = (await createPairing(ctx.db, { kind: 'twinning', providerOrgId: enterprise, recipientRegionCode: VILLAGE, startedYear: 2022 }, countyActor)).id
	})

	const list = async (accountId: string | null, query = '') => runRoute(loader, await requestAs(accountId, `/pairings${query}`))
	const post = async (accountId: string | null, form: Record<string, string | number>) => runRoute(action, await requestAs(accountId, '/pairings', { form }))

	it('lists active pairings with full region names, filtered by kind and by region (provider or recipient side)', async () => {
		const all = await list(null)
		expect(all.status).toBe(200)
		expect(all.data.pairings).toHaveLength(4)
		expect(all.data.official).toBe(false)
		expect(all.data.providerOrgs).toEqual([])
		expect(all.data.pairings.every((p: Row) => !p.canEnd)).toBe(true)

		const targeted = await list(null, '?kind=targeted')
		expect(targeted.data.pairings.map((p: Row) => p.kind)).toEqual(['targeted', 'targeted'])
		const inCounty = await list(null, `?within=${COUNTY}`)
		expect(inCounty.data.pairings.map((p: Row) => p.recipientRegionCode).sort()).toEqual([COUNTY, VILLAGE])
		expect(inCounty.data.pairings.find((p: Row) => p.recipientRegionCode === VILLAGE).recipientFullName).toBe('四川省 凉山彝族自治州 昭觉县 新城镇 三河村')
		expect(inCounty.data.filters.withinRegion).toEqual({ code: COUNTY, name: '四川省 凉山彝族自治州 昭觉县' })
		const zhejiang = await list(null, '?within=330000000000&kind=east_west')
		expect(zhejiang.data.pairings).toHaveLength(1)

		const badWithin = await list(null, '?within=5134&kind=nonsense')
		expect(badWithin.data.filters).toMatchObject({ kind: '', withinError: 'validation.region_code_format', withinRegion: null })
		expect(badWithin.data.pairings).toHaveLength(4)
		expect((await list(null, '?within=999999999999')).data.filters.withinError).toBe('errors.region_not_found')
	})

	it('gives officials the form with verified providers, and an end button only where they govern the recipient', async () => {
		const res = await list(county, `?recipient=${VILLAGE}`)
		expect(res.data.official).toBe(true)
		expect(res.data.defaults.recipientRegionCode).toBe(VILLAGE)
		const names = res.data.providerOrgs.map((o: { name: string }) => o.name)
		expect(names).toContain('杭州某企业')
		expect(names).toContain('国家某部')
		expect(names).not.toContain('待审企业')
		const canEnd = Object.fromEntries(res.data.pairings.map((p: Row) => [p.recipientRegionCode, p.canEnd]))
		expect(canEnd).toEqual({ [COUNTY]: true, [OTHER_COUNTY]: false, '510000000000': false, [VILLAGE]: true })
	})

	it('refuses an official recording a pairing outside their jurisdiction with 403, writing nothing', async () => {
		const before = await countRows(ctx.db, 'pairing')
		const res = await post(elsewhere, { intent: 'create', kind: 'twinning', providerOrgId: enterprise, recipientRegionCode: OTHER_VILLAGE, startedYear: 2024 })
		expect(res.status).toBe(403)
		expect(res.data.intent).toBe('create')
		expect(res.data.result.error).toEqual({ '': ['errors.outside_jurisdiction'] })
		expect(await countRows(ctx.db, 'pairing')).toBe(before)

		const notOfficial = await post(citizen, { intent: 'create', kind: 'twinning', providerOrgId: enterprise, recipientRegionCode: OTHER_VILLAGE, startedYear: 2024 })
		expect(notOfficial.status).toBe(403)
		expect(notOfficial.thrown).toBe(true)
		const anonymous = await post(null, { intent: 'create', kind: 'twinning', providerOrgId: enterprise, recipientRegionCode: OTHER_VILLAGE, startedYear: 2024 })
		expect(anonymous.status).toBe(302)
		expect(await countRows(ctx.db, 'pairing')).toBe(before)
	})

	it('answers bad input with 400 and field-named errors, writing nothing', async () => {
		const before = await countRows(ctx.db, 'pairing')
		const schema = await post(county, { intent: 'create', kind: 'twinning', providerOrgId: '', recipientRegionCode: '5134', startedYear: 1800 })
		expect(schema.status).toBe(400)
		expect(schema.data.result.error).toMatchObject({
			providerOrgId: ['validation.required'],
			recipientRegionCode: ['validation.region_code_format'],
			startedYear: ['validation.year_invalid'],
		})
		const noKind = await post(county, { intent: 'create', recipientRegionCode: VILLAGE, startedYear: 2024 })
		expect(noKind.status).toBe(400)
		expect(noKind.data.result.error.kind).toEqual(['validation.pairing_kind_invalid'])

		// Passes the schema, fails the model's checks: still field-named, still a 400.
		const model = await post(county, { intent: 'create', kind: 'twinning', providerOrgId: pendingEnterprise, recipientRegionCode: COUNTY, startedYear: 2024 })
		expect(model.status).toBe(400)
		expect(model.data.result.error).toEqual({ providerOrgId: ['errors.org_not_verified'], recipientRegionCode: ['errors.pairing_recipient_level_twinning'] })
		expect(await countRows(ctx.db, 'pairing')).toBe(before)
	})

	it('records a pairing for a governing official, taking a typed org id over the select', async () => {
		const before = await countRows(ctx.db, 'pairing')
		const res = await post(county, { intent: 'create', kind: 'twinning', providerOrgId: '', providerOrgIdOther: ` ${enterprise} `, recipientRegionCode: OTHER_VILLAGE, startedYear: 2024, note: '消费帮扶' })
		expect(res.status).toBe(200)
		expect(res.data).toMatchObject({ intent: 'create', done: true })
		expect(await countRows(ctx.db, 'pairing')).toBe(before + 1)
		const row = await ctx.db.selectFrom('pairing').selectAll().where('recipientRegionCode', '=', OTHER_VILLAGE).executeTakeFirstOrThrow()
		expect(row).toMatchObject({ kind: 'twinning', providerOrgId: enterprise, startedYear: 2024, note: '消费帮扶', createdBy: county, status: 'active' })
	})

	it('ends a pairing only for an official who governs it', async () => {
		const outsider = await post(elsewhere, { intent: 'end', pairingId: twinningId })
		expect(outsider.status).toBe(403)
		expect(outsider.data.intent).toBe('end')
		expect((await ctx.db.selectFrom('pairing').select('status').where('id', '=', twinningId).executeTakeFirstOrThrow()).status).toBe('active')

		const missing = await post(county, { intent: 'end', pairingId: '' })
		expect(missing.status).toBe(400)
		expect(missing.data.result.error.pairingId).toEqual(['validation.required'])

		const ok = await post(county, { intent: 'end', pairingId: targetedId })
		expect(ok.status).toBe(200)
		expect(ok.data).toMatchObject({ intent: 'end', done: true })
		expect((await ctx.db.selectFrom('pairing').select('status').where('id', '=', targetedId).executeTakeFirstOrThrow()).status).toBe('ended')
		const again = await post(county, { intent: 'end', pairingId: targetedId })
		expect(again.status).toBe(409)
		expect((await list(null)).data.pairings.map((p: Row) => p.id)).not.toContain(targetedId)
	})
})
