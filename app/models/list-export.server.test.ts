import type { Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { CommitmentStatus, DB, NeedCategory, NeedStatus, OfferCoverage, OfferStatus, OrgKind, ProjectStatus, ProjectType, Urgency } from '#db/schema.ts'
import { iterateSearchDocuments } from '#app/search/documents.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import type { SearchEngine, SearchQuery } from '#app/search/port.ts'
import { DAY_MS } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { actorFor, makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { describeDb } from '#tests/setup/db.ts'
import {
	iterateCommitmentsForExport,
	iterateNeedsForExport,
	iterateOffersForExport,
	iterateProjectsForExport,
	listExport,
	parseCommitmentExportFilters,
	parseNeedExportFilters,
	parseOfferExportFilters,
	parseProjectExportFilters,
} from './list-export.server.ts'
import type { Actor } from './policy.server.ts'

const SANHE = '513431100201'
const HUOPU = '513431100202'
const GUQU = '513431101201'
const GUANGMING = '513432100201'
const now = Date.now()

async function ids<T extends { id: string }>(pages: AsyncIterable<T[]>): Promise<string[]> {
	const out: string[] = []
	for await (const page of pages) out.push(...page.map((r) => r.id))
	return out
}

/** Every id the engine returns for the page's query (all pages). */
async function engineIds(engine: SearchEngine, query: SearchQuery): Promise<string[]> {
	const out: string[] = []
	for (let page = 1; ; page++) {
		const r = await engine.search({ ...query, page, pageSize: 100 })
		out.push(...r.hits.map((h) => h.id))
		if (r.hits.length < 100) return out
	}
}

const sorted = (xs: string[]) => [...xs].sort()
const url = (qs: string) => new URL(`http://localhost/x?${qs}`)

describeDb('list exports', (ctx) => {
	const w = {} as {
		engine: SearchEngine
		providerActor: Actor
		villageActor: Actor
		otherActor: Actor
		entId: string
		needs: Record<string, string>
		drafts: string[]
		commitments: Record<string, string>
	}

	async function need(db: Kysely<DB>, villageOrgId: string, villageCode: string, title: string, category: NeedCategory, urgency: Urgency, status: NeedStatus, measure: 'amount' | 'quantity' = 'amount') {
		const id = newId()
		await db
			.insertInto('need')
			.values({
				id,
				villageOrgId,
				villageCode,
				title,
				description: `${title}说明`,
				category,
				measure,
				unit: measure === 'quantity' ? '人' : null,
				target: measure === 'amount' ? 5_000_050 : 40,
				urgency,
				neededBy: now + 60 * DAY_MS,
				status,
				statusNote: null,
				duplicateOf: null,
				reviewedBy: null,
				reviewedAt: null,
				submittedAt: now,
				publishedAt: ['published', 'closed', 'expired'].includes(status) ? now : null,
				closedAt: null,
				createdBy: 'T',
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		return id
	}

	async function offer(db: Kysely<DB>, providerOrgId: string, title: string, coverage: OfferCoverage, regions: string[], categories: NeedCategory[], status: OfferStatus) {
		const id = newId()
		await db
			.insertInto('offer')
			.values({
				id,
				providerOrgId,
				title,
				description: '',
				measure: 'amount',
				unit: null,
				capacity: 1_000_000,
				coverage,
				categoryMask: 0,
				validFrom: now - DAY_MS,
				validUntil: now + 90 * DAY_MS,
				status,
				statusNote: null,
				publishedAt: status === 'draft' ? null : now,
				createdBy: 'T',
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		for (const category of categories) await db.insertInto('offerCategory').values({ offerId: id, category }).execute()
		for (const regionCode of regions) await db.insertInto('offerRegion').values({ offerId: id, regionCode }).execute()
		return id
	}

	async function project(db: Kysely<DB>, enterpriseOrgId: string, title: string, type: ProjectType, status: ProjectStatus, villages: string[]) {
		const id = newId()
		await db
			.insertInto('project')
			.values({
				id,
				enterpriseOrgId,
				title,
				description: '',
				type,
				plannedInvestment: 12_345_650,
				startsOn: now,
				endsOn: now + 365 * DAY_MS,
				status,
				verifiedInvestment: null,
				verifiedAt: null,
				verifiedBy: null,
				createdBy: 'T',
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		for (const villageCode of villages) await db.insertInto('projectVillage').values({ projectId: id, villageCode }).execute()
		return id
	}

	async function commitment(db: Kysely<DB>, needId: string, providerOrgId: string, villageOrgId: string, villageCode: string, status: CommitmentStatus, dueAt: number) {
		const id = newId()
		await db
			.insertInto('commitment')
			.values({
				id,
				needId,
				offerId: null,
				providerOrgId,
				villageOrgId,
				villageCode,
				amount: 100_000,
				deliveredAmount: status === 'verified' ? 100_000 : null,
				status,
				message: '',
				dueAt,
				lapseAt: dueAt,
				statusReason: null,
				idempotencyKey: null,
				acceptedAt: now,
				deliveryStartedAt: null,
				deliveredAt: null,
				verifiedAt: status === 'verified' ? now : null,
				verifiedBy: null,
				closedAt: null,
				createdBy: 'T',
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		return id
	}

	beforeAll(async () => {
		const db = ctx.db
		await seedRegions(db)
		const pairing = (p: { kind: 'twinning' | 'east_west'; providerOrgId?: string; providerRegionCode?: string; recipientRegionCode: string; status?: 'active' | 'ended' }) =>
			db
				.insertInto('pairing')
				.values({
					id: newId(),
					kind: p.kind,
					providerOrgId: p.providerOrgId ?? null,
					providerRegionCode: p.providerRegionCode ?? null,
					recipientRegionCode: p.recipientRegionCode,
					startedYear: 2021,
					status: p.status ?? 'active',
					createdBy: null,
					createdAt: now,
					endedBy: null,
					endedAt: null,
				})
				.execute()

		const villager = await makeAccount(db)
		const provider = await makeAccount(db)
		const other = await makeAccount(db)
		const sanhe = await makeOrg(db, 'village', { regionCode: SANHE, ownerId: villager.id, name: '三河村村民委员会' })
		const huopu = await makeOrg(db, 'village', { regionCode: HUOPU })
		const guqu = await makeOrg(db, 'village', { regionCode: GUQU })
		const guangming = await makeOrg(db, 'village', { regionCode: GUANGMING })
		const ent = await makeOrg(db, 'enterprise', { ownerId: provider.id, name: '兴农合作社' })
		const social = await makeOrg(db, 'social_org', { ownerId: other.id })
		const ewp = await makeOrg(db, 'east_west_partner' as OrgKind, { regionCode: '330100000000' })
		const lonely = await makeOrg(db, 'enterprise', { regionCode: '330100000000' })
		await pairing({ kind: 'twinning', providerOrgId: ent, recipientRegionCode: SANHE })
		await pairing({ kind: 'east_west', providerRegionCode: '330100000000', recipientRegionCode: '513432000000' })
		await pairing({ kind: 'twinning', providerOrgId: lonely, recipientRegionCode: HUOPU, status: 'ended' })

		w.needs = {
			n1: await need(db, sanhe, SANHE, '三河村花椒烘干设备', 'industry', 'high', 'published'),
			n2: await need(db, sanhe, SANHE, '三河村留守儿童辅导', 'education', 'critical', 'published', 'quantity'),
			n3: await need(db, guangming, GUANGMING, '光明村花椒产业', 'industry', 'normal', 'published'),
			n4: await need(db, guangming, GUANGMING, '光明村义诊', 'health', 'low', 'closed', 'quantity'),
			n5: await need(db, huopu, HUOPU, '火普村花椒育苗', 'industry', 'normal', 'expired'),
			n6: await need(db, guqu, GUQU, '谷曲村农产品采购', 'consumption', 'high', 'published'),
		}
		w.drafts = [
			await need(db, sanhe, SANHE, '三河村花椒草稿', 'industry', 'high', 'draft'),
			await need(db, guangming, GUANGMING, '光明村花椒待审', 'industry', 'high', 'submitted'),
			await need(db, sanhe, SANHE, '三河村花椒未通过', 'industry', 'high', 'rejected'),
			await offer(db, ent, '花椒草稿资源', 'nationwide', [], ['industry'], 'draft'),
			await offer(db, ent, '花椒已撤回资源', 'nationwide', [], ['industry'], 'withdrawn'),
		]
		await offer(db, ent, '昭觉产业资金', 'regions', ['513431000000'], ['industry', 'education'], 'active')
		await offer(db, social, '全国义诊', 'nationwide', [], ['health'], 'active')
		await offer(db, ent, '结对村就业岗位', 'pairings', [], ['employment'], 'paused')
		await offer(db, ewp, '东西部协作花椒收购', 'pairings', [], ['industry'], 'active')
		await offer(db, lonely, '无结对的花椒资源', 'pairings', [], ['industry'], 'active')
		await offer(db, social, '四川产业基金', 'regions', ['510000000000'], ['industry'], 'expired')
		await offer(db, lonely, '杭州消费帮扶', 'regions', ['330100000000'], ['consumption'], 'active')

		await project(db, ent, '花椒加工厂', 'industry', 'running', [SANHE, GUANGMING])
		await project(db, ent, '光明村图书室', 'public_welfare', 'planned', [GUANGMING])
		await project(db, lonely, '杭州花椒电商', 'industry', 'completed', [])

		w.commitments = {
			overdue: await commitment(db, w.needs.n1, ent, sanhe, SANHE, 'accepted', now - 5 * DAY_MS),
			verified: await commitment(db, w.needs.n3, ent, guangming, GUANGMING, 'verified', now - 5 * DAY_MS),
			others: await commitment(db, w.needs.n1, social, sanhe, SANHE, 'pledged', now + 5 * DAY_MS),
			pledged: await commitment(db, w.needs.n2, ent, sanhe, SANHE, 'pledged', now + 5 * DAY_MS),
			declined: await commitment(db, w.needs.n3, ent, guangming, GUANGMING, 'declined', now + 5 * DAY_MS),
		}
		w.entId = ent
		w.providerActor = await actorFor(db, provider.id)
		w.villageActor = await actorFor(db, villager.id)
		w.otherActor = await actorFor(db, other.id)
		// The embedded engine, filled from this database: what the browse pages search.
		w.engine = createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(db, type) })
	}, 60_000)

	// Each case: the list page's query string, and the engine query its loader sends for it.
	const needCases: Array<[string, SearchQuery['filters'] & object, string?]> = [
		['', { status: ['published'] }],
		['status=all', { status: ['published', 'closed', 'expired'] }],
		['status=closed', { status: ['closed'] }],
		['status=all&category=industry&category=health', { status: ['published', 'closed', 'expired'], categories: ['industry', 'health'] }],
		['urgency=high&urgency=critical', { status: ['published'], urgency: ['high', 'critical'] }],
		['status=all&keyCounty=1', { status: ['published', 'closed', 'expired'], keyCounty: true }],
		['status=all&region=513431000000', { status: ['published', 'closed', 'expired'], regionPrefix: '513431000000' }],
		['status=all&place=513431100000', { status: ['published', 'closed', 'expired'], regionPrefix: '513431100000' }],
		['status=all&region=510000000000&category=industry', { status: ['published', 'closed', 'expired'], regionPrefix: '510000000000', categories: ['industry'] }],
		// An unknown region is not applied (the page says so).
		['region=513499000000', { status: ['published'] }],
		['status=all&q=花椒', { status: ['published', 'closed', 'expired'] }, '花椒'],
		['q=花椒&region=513432000000', { status: ['published'], regionPrefix: '513432000000' }, '花椒'],
	]

	it('exports the needs the needs page finds, for the same params', async () => {
		for (const [qs, filters, q] of needCases) {
			const exported = await ids(iterateNeedsForExport(ctx.db, null, parseNeedExportFilters(url(qs)), { engine: w.engine }))
			const shown = await engineIds(w.engine, { type: 'need', q, filters })
			expect(sorted(exported), qs).toEqual(sorted(shown))
			expect(exported.length, qs).toBeGreaterThan(0)
		}
		// "In my pairings": the provider's twinning village only; ignored for someone with no provider org.
		const mine = await ids(iterateNeedsForExport(ctx.db, w.providerActor, parseNeedExportFilters(url('status=all&mine=1'))))
		expect(sorted(mine)).toEqual(sorted(await engineIds(w.engine, { type: 'need', filters: { status: ['published', 'closed', 'expired'], regionCodesAny: [SANHE] } })))
		expect(sorted(mine)).toEqual(sorted([w.needs.n1, w.needs.n2]))
		expect(await ids(iterateNeedsForExport(ctx.db, w.villageActor, parseNeedExportFilters(url('mine=1'))))).toHaveLength(4)
	})

	const offerCases: Array<[string, SearchQuery['filters'] & object, string?]> = [
		['', { status: ['active'] }],
		['status=all', { status: ['active', 'paused', 'expired'] }],
		['status=paused', { status: ['paused'] }],
		['status=all&category=industry', { status: ['active', 'paused', 'expired'], categories: ['industry'] }],
		['status=all&orgKind=social_org&orgKind=east_west_partner', { status: ['active', 'paused', 'expired'], orgKind: ['social_org', 'east_west_partner'] }],
		['status=all&region=513431000000', { status: ['active', 'paused', 'expired'], regionPrefix: '513431000000' }],
		['status=all&region=510000000000', { status: ['active', 'paused', 'expired'], regionPrefix: '510000000000' }],
		['status=all&region=513432000000', { status: ['active', 'paused', 'expired'], regionPrefix: '513432000000' }],
		['status=all&region=513431100201', { status: ['active', 'paused', 'expired'], regionPrefix: SANHE }],
		['status=all&q=花椒', { status: ['active', 'paused', 'expired'] }, '花椒'],
	]

	it('exports the offers the offers page finds, for the same params', async () => {
		for (const [qs, filters, q] of offerCases) {
			const exported = await ids(iterateOffersForExport(ctx.db, parseOfferExportFilters(url(qs)), { engine: w.engine }))
			const shown = await engineIds(w.engine, { type: 'offer', q, filters })
			expect(sorted(exported), qs).toEqual(sorted(shown))
			expect(exported.length, qs).toBeGreaterThan(0)
		}
	})

	const projectCases: Array<[string, SearchQuery['filters'] & object, string?]> = [
		['', {}],
		['type=industry', { categories: ['industry'] }],
		['status=planned&status=completed', { status: ['planned', 'completed'] }],
		['region=513432000000', { regionPrefix: '513432000000' }],
		['region=513431100201&type=industry', { regionPrefix: SANHE, categories: ['industry'] }],
		['q=花椒', {}, '花椒'],
	]

	it('exports the projects the projects page finds, for the same params', async () => {
		for (const [qs, filters, q] of projectCases) {
			const exported = await ids(iterateProjectsForExport(ctx.db, parseProjectExportFilters(url(qs)), { engine: w.engine }))
			const shown = await engineIds(w.engine, { type: 'project', q, filters })
			expect(sorted(exported), qs).toEqual(sorted(shown))
			expect(exported.length, qs).toBeGreaterThan(0)
		}
	})

	it('never exports drafts, submissions, rejected or withdrawn records, whatever the params', async () => {
		for (const qs of ['', 'status=all', 'status=draft', 'status=submitted', 'status=rejected', 'status=withdrawn', 'status=all&q=花椒']) {
			const found = [
				...(await ids(iterateNeedsForExport(ctx.db, w.villageActor, parseNeedExportFilters(url(qs)), { engine: w.engine }))),
				...(await ids(iterateOffersForExport(ctx.db, parseOfferExportFilters(url(qs)), { engine: w.engine }))),
			]
			for (const id of w.drafts) expect(found, qs).not.toContain(id)
		}
	})

	it('exports the commitments of the actor’s own orgs, with the page’s status filter, and never another org’s', async () => {
		const c = w.commitments
		const of = async (actor: Actor, qs: string) => sorted(await ids(iterateCommitmentsForExport(ctx.db, actor, parseCommitmentExportFilters(url(qs)), { now })))
		expect(await of(w.providerActor, '')).toEqual(sorted([c.overdue, c.verified, c.pledged, c.declined]))
		expect(await of(w.providerActor, 'status=open')).toEqual(sorted([c.overdue, c.verified, c.pledged]))
		expect(await of(w.providerActor, 'status=overdue')).toEqual([c.overdue])
		expect(await of(w.providerActor, 'status=declined')).toEqual([c.declined])
		expect(await of(w.providerActor, 'status=nonsense')).toHaveLength(4)
		// The village sees what was pledged to it, from every provider; the other provider only its own.
		expect(await of(w.villageActor, '')).toEqual(sorted([c.overdue, c.others, c.pledged]))
		expect(await of(w.otherActor, '')).toEqual([c.others])
		// Someone without an org exports nothing.
		const stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		expect(await of(stranger, '')).toEqual([])
	})

	it('walks every row in pages without repeats, whatever the batch size', async () => {
		const all = await ids(iterateNeedsForExport(ctx.db, null, parseNeedExportFilters(url('status=all'))))
		for (const batch of [1, 2, 3, 1_000]) {
			const pages: number[] = []
			const seen: string[] = []
			for await (const page of iterateNeedsForExport(ctx.db, null, parseNeedExportFilters(url('status=all')), { batch })) {
				pages.push(page.length)
				seen.push(...page.map((r) => r.id))
			}
			expect(seen, `batch ${batch}`).toEqual(all)
			expect(new Set(seen).size).toBe(seen.length)
			expect(Math.max(...pages)).toBeLessThanOrEqual(batch)
			// Newest id first.
			expect(seen).toEqual([...seen].sort().reverse())
		}
		// A text query's ids are walked in chunks of the batch size too.
		const viaSearch = await ids(iterateNeedsForExport(ctx.db, null, parseNeedExportFilters(url('status=all&q=花椒')), { engine: w.engine, batch: 1 }))
		expect(sorted(viaSearch)).toEqual(sorted([w.needs.n1, w.needs.n3, w.needs.n5]))
		const offers = await ids(iterateOffersForExport(ctx.db, parseOfferExportFilters(url('status=all')), { batch: 2 }))
		expect(new Set(offers).size).toBe(offers.length)
		expect(sorted(offers)).toEqual(sorted(await ids(iterateOffersForExport(ctx.db, parseOfferExportFilters(url('status=all'))))))
		const projects = await ids(iterateProjectsForExport(ctx.db, parseProjectExportFilters(url('')), { batch: 1 }))
		expect(projects).toHaveLength(3)
		const commitments = await ids(iterateCommitmentsForExport(ctx.db, w.providerActor, parseCommitmentExportFilters(url('')), { batch: 1 }))
		expect(commitments).toHaveLength(4)
	})

	it('writes money in yuan and quantities with their unit in separate cells', async () => {
		const t = (key: string) => key
		const rows = []
		for await (const row of listExport(ctx.db, 'needs', url('category=industry&category=education&region=513431100201'), null, { t, money: 'text' }).rows) rows.push(row)
		const byTitle = new Map(rows.map((r) => [r.title, r]))
		expect(byTitle.get('三河村花椒烘干设备')).toMatchObject({
			id: w.needs.n1,
			village: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
			villageOrg: '三河村村民委员会',
			targetAmount: '50000.50',
			targetQuantity: null,
			unit: null,
			committedAmount: '1000.00',
			verifiedAmount: '0.00',
			keyCounty: 'export.yes',
			status: 'vocab.need_status.published',
		})
		expect(byTitle.get('三河村留守儿童辅导')).toMatchObject({ targetAmount: null, targetQuantity: 40, unit: '人', committedQuantity: 0 })
		const offerRows = []
		for await (const row of listExport(ctx.db, 'offers', url('region=513431000000'), null, { t }).rows) offerRows.push(row)
		expect(offerRows).toEqual([expect.objectContaining({ title: '昭觉产业资金', capacityAmount: 10_000, remainingAmount: 10_000, regions: '四川省 凉山彝族自治州 昭觉县' })])
	})
})
