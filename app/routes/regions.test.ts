import { beforeAll, describe, expect, it } from 'vitest'
import { createPairing } from '#app/models/pairing.server.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { action as regionAction, loader as regionLoader } from './regions.$code.tsx'
import { loader as homeLoader } from './_index.tsx'
import { loader as indexLoader } from './regions._index.tsx'

const VILLAGE = '513431100201' // 三河村
const PENDING_VILLAGE = '513431100202' // 火普村
const TOWNSHIP = '513431100000' // 新城镇
const COUNTY = '513431000000' // 昭觉县, a key county in the fixture
const OTHER_COUNTY = '513432000000' // 喜德县

describe('region routes', () => {
	const ctx = useGlobalTestDb()
	let villageOrg: string
	let pendingOrg: string
	let unit: string
	let townshipOfficial: string
	let elsewhereOfficial: string
	let admin: string

	beforeAll(async () => {
		await seedRegions(ctx.db)
		const adminAccount = await makeAccount(ctx.db, { isNationalAdmin: true })
		admin = adminAccount.id
		const province = await makeOfficial(ctx.db, '510000000000')
		unit = await makeOrg(ctx.db, 'central_unit', { name: '国家某部' })
		const enterprise = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', name: '杭州某企业' })
		villageOrg = await makeOrg(ctx.db, 'village', { regionCode: VILLAGE, name: '三河村村民委员会' })
		pendingOrg = await makeOrg(ctx.db, 'village', { regionCode: PENDING_VILLAGE, status: 'pending', name: '火普村村民委员会' })
		await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit, recipientRegionCode: COUNTY, startedYear: 2021 }, province)
		await createPairing(ctx.db, { kind: 'east_west', providerRegionCode: '330000000000', recipientRegionCode: '510000000000', startedYear: 2021 }, province)
		await createPairing(ctx.db, { kind: 'twinning', providerOrgId: enterprise, recipientRegionCode: VILLAGE, startedYear: 2022 }, province)
		townshipOfficial = (await makeOfficial(ctx.db, TOWNSHIP)).accountId
		elsewhereOfficial = (await makeOfficial(ctx.db, OTHER_COUNTY)).accountId
	})

	const page = async (accountId: string | null, code: string) => runRoute(regionLoader, await requestAs(accountId, `/regions/${code}`), { code })
	const flag = async (code: string) => (await ctx.db.selectFrom('region').select('isKeyCounty').where('code', '=', code).where('level', '=', 3).executeTakeFirstOrThrow()).isKeyCounty

	it('shows a village with its breadcrumbs, its village org and the pairings that reach it, marking inherited ones', async () => {
		const res = await page(null, VILLAGE)
		expect(res.status).toBe(200)
		expect(res.data.region).toMatchObject({ code: VILLAGE, name: '三河村', level: 5 })
		expect(res.data.ancestors.map((a: { name: string }) => a.name)).toEqual(['四川省', '凉山彝族自治州', '昭觉县', '新城镇'])
		expect(res.data.villageOrg).toMatchObject({ id: villageOrg, name: '三河村村民委员会', status: 'verified' })
		const pairings = res.data.pairings.map((p: { kind: string; inherited: boolean; recipientRegionName: string; providerOrgName: string | null }) => [p.kind, p.inherited, p.recipientRegionName])
		expect(pairings.sort()).toEqual([
			['east_west', true, '四川省'],
			['targeted', true, '昭觉县'],
			['twinning', false, '三河村'],
		])
		expect(res.data.pairings.find((p: { kind: string }) => p.kind === 'targeted').providerOrgId).toBe(unit)
		expect(res.data.orgCounts).toBeNull()
	})

	it('shows a pending village org only to officials whose jurisdiction covers it', async () => {
		expect((await page(null, PENDING_VILLAGE)).data.villageOrg).toBeNull()
		expect((await page(elsewhereOfficial, PENDING_VILLAGE)).data.villageOrg).toBeNull()
		expect((await page(townshipOfficial, PENDING_VILLAGE)).data.villageOrg).toMatchObject({ id: pendingOrg, status: 'pending' })
	})

	it('lists a township’s villages, marking those with a verified org; a county shows its org counts and key flag', async () => {
		const township = await page(null, TOWNSHIP)
		expect(township.data.children.map((c: { name: string; hasOrg: boolean }) => [c.name, c.hasOrg])).toEqual([
			['三河村', true],
			['火普村', false],
		])
		expect(township.data.childVillages).toBe(true)
		const county = await page(null, COUNTY)
		expect(county.data.region.isKeyCounty).toBe(true)
		expect(county.data.orgCounts.village).toBe(1)
		expect(county.data.viewer.canSetKeyCounty).toBe(false)
		expect((await page(admin, COUNTY)).data.viewer.canSetKeyCounty).toBe(true)
		expect((await page(admin, TOWNSHIP)).data.viewer.canSetKeyCounty).toBe(false)
	})

	it('answers 404 for an unknown or malformed code', async () => {
		for (const code of ['999999999999', '51343110020', 'abc', '5134311002011']) {
			const res = await page(null, code)
			expect(res.status).toBe(404)
			expect(res.thrown).toBe(true)
		}
	})

	it('refuses the key-county intent from anyone but a national admin, leaving the flag unchanged', async () => {
		for (const who of [townshipOfficial, elsewhereOfficial, (await makeOfficial(ctx.db, '510000000000')).accountId]) {
			const res = await runRoute(regionAction, await requestAs(who, `/regions/${OTHER_COUNTY}`, { form: { intent: 'key-county', isKeyCounty: '1' } }), { code: OTHER_COUNTY })
			expect(res.status).toBe(403)
			expect(res.data.result.error).toEqual({ '': ['errors.national_admin_only'] })
		}
		expect(await flag(OTHER_COUNTY)).toBe(0)
		const anonymous = await runRoute(regionAction, await requestAs(null, `/regions/${OTHER_COUNTY}`, { form: { intent: 'key-county', isKeyCounty: '1' } }), { code: OTHER_COUNTY })
		expect(anonymous.status).toBe(302)
		expect(anonymous.location).toMatch(/^\/login\?redirectTo=/)
		expect(await flag(OTHER_COUNTY)).toBe(0)
	})

	it('lets a national admin set and unset the key-county flag; bad input is a 400 and writes nothing', async () => {
		const set = await runRoute(regionAction, await requestAs(admin, `/regions/${OTHER_COUNTY}`, { form: { intent: 'key-county', isKeyCounty: '1' } }), { code: OTHER_COUNTY })
		expect(set.status).toBe(200)
		expect(set.data.saved).toBe(true)
		expect(await flag(OTHER_COUNTY)).toBe(1)
		expect((await page(null, OTHER_COUNTY)).data.region.isKeyCounty).toBe(true)

		const bad = await runRoute(regionAction, await requestAs(admin, `/regions/${OTHER_COUNTY}`, { form: { intent: 'key-county', isKeyCounty: 'yes' } }), { code: OTHER_COUNTY })
		expect(bad.status).toBe(400)
		expect(bad.data.result.error.isKeyCounty).toEqual(['errors.invalid'])
		expect(await flag(OTHER_COUNTY)).toBe(1)

		const notCounty = await runRoute(regionAction, await requestAs(admin, `/regions/${TOWNSHIP}`, { form: { intent: 'key-county', isKeyCounty: '1' } }), { code: TOWNSHIP })
		expect(notCounty.status).toBe(400)
		expect(notCounty.data.result.error.code).toEqual(['errors.not_a_county'])

		const unset = await runRoute(regionAction, await requestAs(admin, `/regions/${OTHER_COUNTY}`, { form: { intent: 'key-county', isKeyCounty: '0' } }), { code: OTHER_COUNTY })
		expect(unset.status).toBe(200)
		expect(await flag(OTHER_COUNTY)).toBe(0)
	})

	it('browses provinces, searches names (one row per code) and groups key counties by province', async () => {
		const root = await runRoute(indexLoader, await requestAs(null, '/regions'))
		expect(root.data.provinces.map((p: { name: string }) => p.name)).toEqual(['北京市', '浙江省', '四川省'])
		expect(root.data.results).toEqual([])
		expect(root.data.keyCountyGroups).toEqual([{ code: '510000000000', name: '四川省', counties: [{ code: COUNTY, name: '昭觉县', fullName: '四川省 凉山彝族自治州 昭觉县' }] }])

		const found = await runRoute(indexLoader, await requestAs(null, `/regions?q=${encodeURIComponent('村')}&level=5`))
		expect(found.data.results.map((r: { name: string }) => r.name)).toEqual(['三河村', '火普村', '谷曲村', '光明村'])
		expect(found.data.results[0].fullName).toBe('四川省 凉山彝族自治州 昭觉县 新城镇 三河村')

		const byCode = await runRoute(indexLoader, await requestAs(null, `/regions?q=${VILLAGE}`))
		expect(byCode.status).toBe(302)
		expect(byCode.location).toBe(`/regions/${VILLAGE}`)

		// A code with a same-code repeat one level down is one place.
		await ctx.db
			.insertInto('region')
			.values([
				{ code: '441900000000', name: '东莞市', level: 2, parentCode: '440000000000', isKeyCounty: 0 },
				{ code: '441900000000', name: '东莞市', level: 3, parentCode: '441900000000', isKeyCounty: 0 },
			])
			.execute()
		const dongguan = await runRoute(indexLoader, await requestAs(null, `/regions?q=${encodeURIComponent('东莞')}`))
		expect(dongguan.data.results).toHaveLength(1)
		expect(dongguan.data.results[0].level).toBe(2)
	})

	it('offers officials who govern a region a link to record a pairing for it', async () => {
		const county = await actorFor(ctx.db, (await makeOfficial(ctx.db, COUNTY)).accountId)
		expect((await page(county.accountId, VILLAGE)).data.viewer.canRecordPairing).toBe(true)
		expect((await page(elsewhereOfficial, VILLAGE)).data.viewer.canRecordPairing).toBe(false)
		expect((await page(null, VILLAGE)).data.viewer.canRecordPairing).toBe(false)
	})

	it('home page: figures for everyone, a role panel for a signed-in user', async () => {
		const anonymous = await runRoute(homeLoader, await requestAs(null, '/'))
		expect(anonymous.data.panel).toBeNull()
		expect(anonymous.data.regions).toMatchObject({ 1: 3, 4: 3, 5: 4 })
		expect(anonymous.data.keyCounties).toBe(1)
		expect(anonymous.data.orgs.village).toBe(1)
		expect(anonymous.data.pairings).toMatchObject({ targeted: 1, east_west: 1, twinning: 1 })

		const township = await runRoute(homeLoader, await requestAs(townshipOfficial, '/'))
		expect(township.data.panel.isOfficial).toBe(true)
		expect(township.data.panel.reviewCount).toBe(1) // 火普村's pending org
		expect(township.data.panel.jurisdictions).toEqual([{ code: TOWNSHIP, name: '四川省 凉山彝族自治州 昭觉县 新城镇' }])
	})
})
