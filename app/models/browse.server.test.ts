import { beforeAll, expect, it } from 'vitest'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import { drainSearchOutbox } from '#app/search/drain.server.ts'
import type { SearchEngine } from '#app/search/port.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import {
	countPerRegion,
	coveredRegionCodesForActor,
	listNeedsByIds,
	listOffersByIds,
	listProjectsByIds,
	regionFinder,
	regionTrail,
	searchWithFacets,
} from './browse.server.ts'
import { createNeed, reviewNeed, submitNeed } from './need.server.ts'
import { createOffer, transitionOffer } from './offer.server.ts'
import type { Actor } from './policy.server.ts'
import { createProject } from './project.server.ts'

const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

describeDb('browse loaders', (ctx) => {
	const w = {} as {
		villageA: string
		villageB: string
		villager: Actor
		villagerB: Actor
		township: Actor
		otherTownship: Actor
		central: { orgId: string; actor: Actor }
		enterprise: { orgId: string; actor: Actor }
		eastWest: { orgId: string; actor: Actor }
		engine: SearchEngine
	}

	async function providerOrg(kind: 'central_unit' | 'enterprise' | 'east_west_partner', regionCode: string | null = null) {
		const owner = await makeAccount(ctx.db)
		const orgId = await makeOrg(ctx.db, kind, { ownerId: owner.id, regionCode })
		return { orgId, actor: await actorFor(ctx.db, owner.id) }
	}

	async function pairing(kind: 'targeted' | 'east_west' | 'twinning', recipient: string, provider: { orgId?: string; region?: string }, status: 'active' | 'ended' = 'active') {
		await ctx.db
			.insertInto('pairing')
			.values({
				id: newId(),
				kind,
				providerOrgId: provider.orgId ?? null,
				providerRegionCode: provider.region ?? null,
				recipientRegionCode: recipient,
				startedYear: 2021,
				note: '',
				status,
				createdBy: null,
				createdAt: Date.now(),
				endedBy: null,
				endedAt: null,
			})
			.execute()
	}

	async function publishedNeed(village: string, villager: Actor, reviewer: Actor, fields: Record<string, unknown>) {
		const { id } = await createNeed(
			ctx.db,
			village,
			{ title: '需求', description: '', category: 'industry', measure: 'amount', amount: '1000', beneficiaries: '10', urgency: 'normal', neededBy: dateIn(30), ...fields },
			villager,
		)
		await submitNeed(ctx.db, id, villager)
		await reviewNeed(ctx.db, id, { decision: 'publish' }, reviewer)
		return id
	}

	beforeAll(async () => {
		await seedRegions(ctx.db)
		const a = await makeAccount(ctx.db)
		w.villageA = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: a.id, name: '三河村村民委员会' })
		w.villager = await actorFor(ctx.db, a.id)
		const b = await makeAccount(ctx.db)
		w.villageB = await makeOrg(ctx.db, 'village', { regionCode: '513432100201', ownerId: b.id, name: '光明村村民委员会' })
		w.villagerB = await actorFor(ctx.db, b.id)
		w.township = await makeOfficial(ctx.db, '513431100000')
		w.otherTownship = await makeOfficial(ctx.db, '513432100000')
		w.central = await providerOrg('central_unit')
		w.enterprise = await providerOrg('enterprise', '330100000000')
		w.eastWest = await providerOrg('east_west_partner', '330000000000')
		w.engine = createEmbeddedSearchEngine()
	})

	it('loads needs in hit order with place, org and key county, leaving out unknown and non-public ids', async () => {
		const first = await publishedNeed(w.villageA, w.villager, w.township, { title: '<b>蔬菜大棚</b>', measure: 'quantity', amount: undefined, quantity: '30', unit: '人', urgency: 'high' })
		const second = await publishedNeed(w.villageB, w.villagerB, w.otherTownship, { title: '村道硬化', amount: '250000.5' })
		const { id: draft } = await createNeed(
			ctx.db,
			w.villageA,
			{ title: '草稿', category: 'industry', measure: 'amount', amount: '1', urgency: 'low', neededBy: dateIn(10) },
			w.villager,
		)
		const rows = await listNeedsByIds(ctx.db, [second, 'missing', draft, first])
		expect(rows.map((r) => r.id)).toEqual([second, first])
		expect(rows[0]).toMatchObject({ title: '村道硬化', measure: 'amount', target: 25_000_050, remaining: 25_000_050, orgName: '光明村村民委员会', villageName: '四川省 凉山彝族自治州 喜德县 光明镇 光明村', isKeyCounty: false, status: 'published' })
		expect(rows[1]).toMatchObject({ title: '<b>蔬菜大棚</b>', measure: 'quantity', target: 30, unit: '人', urgency: 'high', orgId: w.villageA, isKeyCounty: true })
		expect(await listNeedsByIds(ctx.db, [])).toEqual([])
	})

	it('loads offers with categories in vocabulary order, listed regions and capacity; drafts are left out', async () => {
		const { id: listed } = await createOffer(
			ctx.db,
			w.central.orgId,
			{ title: '采购', description: '说明', categories: ['consumption', 'industry'], measure: 'amount', capacity: '5000', coverage: 'regions', regionCodes: '513432000000 513431000000', validFrom: dateIn(0), validUntil: dateIn(100) },
			w.central.actor,
		)
		await transitionOffer(ctx.db, listed, { action: 'publish' }, w.central.actor)
		const { id: unlimited } = await createOffer(
			ctx.db,
			w.central.orgId,
			{ title: '培训', description: '说明', categories: ['talent'], measure: 'quantity', unit: '人', unlimited: 'on', coverage: 'nationwide', validFrom: dateIn(0), validUntil: dateIn(100) },
			w.central.actor,
		)
		await transitionOffer(ctx.db, unlimited, { action: 'publish' }, w.central.actor)
		const { id: draft } = await createOffer(
			ctx.db,
			w.central.orgId,
			{ title: '草稿', description: '说明', categories: ['talent'], measure: 'amount', capacity: '1', coverage: 'nationwide', validFrom: dateIn(0), validUntil: dateIn(100) },
			w.central.actor,
		)
		const rows = await listOffersByIds(ctx.db, [unlimited, draft, listed])
		expect(rows.map((r) => r.id)).toEqual([unlimited, listed])
		expect(rows[0]).toMatchObject({ capacity: null, remaining: null, coverage: 'nationwide', regions: [], displayStatus: 'active', orgKind: 'central_unit', unit: '人' })
		expect(rows[1]).toMatchObject({
			capacity: 500_000,
			remaining: 500_000,
			categories: ['industry', 'consumption'],
			regions: [
				{ code: '513431000000', name: '四川省 凉山彝族自治州 昭觉县' },
				{ code: '513432000000', name: '四川省 凉山彝族自治州 喜德县' },
			],
			isKeyCounty: true,
		})
	})

	it('loads projects with their villages and investment', async () => {
		const { id } = await createProject(
			ctx.db,
			w.enterprise.orgId,
			{ title: '加工厂', description: '说明', type: 'industry', villageCodes: '513432100201 513431100201', plannedInvestment: '1200000', permanentJobs: '12', startsOn: dateIn(-10), endsOn: dateIn(300) },
			w.enterprise.actor,
		)
		const [row] = await listProjectsByIds(ctx.db, [id, 'nope'])
		expect(row).toMatchObject({ id, orgName: expect.any(String), type: 'industry', status: 'planned', plannedInvestment: 120_000_000, permanentJobs: 12, temporaryJobs: 0, isKeyCounty: true })
		expect(row.villages.map((v) => v.code)).toEqual(['513431100201', '513432100201'])
	})

	it('finds the regions a provider reaches through its active pairings', async () => {
		await pairing('targeted', '513431000000', { orgId: w.central.orgId })
		await pairing('targeted', '513432000000', { orgId: w.central.orgId }, 'ended')
		await pairing('twinning', '513432100201', { orgId: w.enterprise.orgId })
		await pairing('east_west', '510000000000', { region: '330000000000' })
		// A pairing of another eastern region does not count.
		await pairing('east_west', '520000000000', { region: '440000000000' })

		expect(await coveredRegionCodesForActor(ctx.db, w.central.actor)).toEqual(['513431000000'])
		expect(await coveredRegionCodesForActor(ctx.db, w.enterprise.actor)).toEqual(['513432100201'])
		expect(await coveredRegionCodesForActor(ctx.db, w.eastWest.actor)).toEqual(['510000000000'])
		// Villages, officials and anonymous visitors reach nothing.
		expect(await coveredRegionCodesForActor(ctx.db, w.villager)).toEqual([])
		expect(await coveredRegionCodesForActor(ctx.db, w.township)).toEqual([])
		expect(await coveredRegionCodesForActor(ctx.db, null)).toEqual([])

		// Someone in two provider orgs reaches both; a pending org reaches nothing.
		const both = await makeAccount(ctx.db)
		await ctx.db
			.insertInto('membership')
			.values([
				{ orgId: w.central.orgId, accountId: both.id, role: 'member', createdAt: Date.now() },
				{ orgId: w.enterprise.orgId, accountId: both.id, role: 'member', createdAt: Date.now() },
			])
			.execute()
		expect(await coveredRegionCodesForActor(ctx.db, await actorFor(ctx.db, both.id))).toEqual(['513431000000', '513432100201'])
		const pendingOwner = await makeAccount(ctx.db)
		const pendingOrg = await makeOrg(ctx.db, 'central_unit', { ownerId: pendingOwner.id, status: 'pending' })
		await pairing('targeted', '513432000000', { orgId: pendingOrg })
		expect(await coveredRegionCodesForActor(ctx.db, await actorFor(ctx.db, pendingOwner.id))).toEqual([])
	})

	it('counts facets without their own filter, and per child region', async () => {
		await drainSearchOutbox(ctx.db, w.engine)
		const query = { type: 'need' as const, filters: { categories: ['industry'], status: ['published'] } }
		await publishedNeed(w.villageA, w.villager, w.township, { title: '劳务', category: 'employment' })
		await drainSearchOutbox(ctx.db, w.engine)
		const result = await searchWithFacets(w.engine, query, ['categories'])
		expect(result.total).toBe(2)
		// Ticking 产业 still shows how many 就业 needs there are.
		expect(result.facets.categories).toEqual({ industry: 2, employment: 1 })
		// Status was not asked to be disjunctive: counted within the filtered set.
		expect(result.facets.status).toEqual({ published: 2 })
		expect(await countPerRegion(w.engine, query, ['513431000000', '513432000000', '330000000000'])).toEqual({ '513431000000': 1, '513432000000': 1, '330000000000': 0 })
	})

	it('gives the trail of a region and its children, and finds regions by name', async () => {
		const top = await regionTrail(ctx.db, null)
		expect(top?.region).toBeNull()
		expect(top?.children.map((c) => c.name)).toEqual(['北京市', '浙江省', '四川省'])
		const county = await regionTrail(ctx.db, '513431000000')
		expect(county?.region).toMatchObject({ name: '昭觉县', level: 3, isKeyCounty: true })
		expect(county?.ancestors.map((a) => a.name)).toEqual(['四川省', '凉山彝族自治州'])
		expect(county?.children.map((c) => c.name)).toEqual(['新城镇', '谷曲乡'])
		expect((await regionTrail(ctx.db, '513431100201'))?.children).toEqual([])
		expect(await regionTrail(ctx.db, '519999000000')).toBeUndefined()

		const found = await regionFinder(ctx.db, new URLSearchParams({ regionQ: '三河' }))
		expect(found).toMatchObject({ q: '三河', level: null, regions: [{ code: '513431100201', level: 5, fullName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村' }] })
		const villagesOnly = await regionFinder(ctx.db, new URLSearchParams({ regionQ: '谷曲', regionLevel: '4' }), { level: 5 })
		expect(villagesOnly.regions.map((r) => r.code)).toEqual(['513431101201'])
		expect((await regionFinder(ctx.db, new URLSearchParams())).regions).toEqual([])
	})
})
