import type { Kysely } from 'kysely'
import { beforeAll, beforeEach, expect, it } from 'vitest'
import type { DB, NeedCategory, NeedStatus, OfferCoverage, OfferStatus } from '#db/schema.ts'
import { categoryMask } from '#app/models/marketplace-vocab.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { makeOrg, seedRegions } from '#tests/factories.ts'
import { PUBLIC_STATUSES, loadSearchDocuments } from './documents.server.ts'
import { backoffMs, drainSearchOutbox, rebuildSearchIndex } from './drain.server.ts'
import { createEmbeddedSearchEngine } from './embedded.server.ts'
import { enqueueSearch } from './outbox.server.ts'
import type { SearchEngine } from './port.ts'

const DAY = 86_400_000

/** An engine that is down: every call fails. */
function downEngine(message = 'connect ECONNREFUSED 127.0.0.1:7700'): SearchEngine {
	const fail = async (): Promise<never> => {
		throw new Error(message)
	}
	return { upsert: fail, remove: fail, search: fail, relevance: () => fail, clear: fail, health: async () => ({ ok: false, engine: 'meilisearch', detail: message }) }
}

const hitIds = async (engine: SearchEngine, type: 'need' | 'offer' | 'project', q?: string) => (await engine.search({ type, q })).hits.map((h) => h.id).sort()

describeDb('search outbox drain', (ctx) => {
	let villageOrg: string
	let unitOrg: string
	let enterpriseOrg: string

	beforeAll(async () => {
		await seedRegions(ctx.db)
		villageOrg = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', name: '三河村村委会' })
		unitOrg = await makeOrg(ctx.db, 'central_unit', { name: '国家某部' })
		enterpriseOrg = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', name: '杭州某企业' })
	})

	beforeEach(async () => {
		await ctx.db.deleteFrom('searchOutbox').execute()
	})

	/** A need written as the need model writes it: row and outbox entry in one transaction. */
	async function insertNeed(values: { title: string; description?: string; status?: NeedStatus; villageCode?: string }) {
		const id = newId()
		const now = Date.now()
		await ctx.db.transaction().execute(async (trx) => {
			await trx
				.insertInto('need')
				.values({
					id,
					villageOrgId: villageOrg,
					villageCode: values.villageCode ?? '513431100201',
					title: values.title,
					description: values.description ?? '',
					category: 'industry',
					measure: 'amount',
					unit: null,
					target: 5_000_000,
					urgency: 'high',
					neededBy: now + 30 * DAY,
					status: values.status ?? 'published',
					statusNote: null,
					duplicateOf: null,
					reviewedBy: null,
					reviewedAt: null,
					submittedAt: null,
					publishedAt: values.status === 'draft' ? null : now,
					closedAt: null,
					createdBy: 'test',
					createdAt: now - DAY,
					updatedAt: now,
				})
				.execute()
			await enqueueSearch(trx, 'need', id, now)
		})
		return id
	}

	async function setNeedStatus(id: string, status: NeedStatus) {
		await ctx.db.transaction().execute(async (trx) => {
			await trx.updateTable('need').set({ status, updatedAt: Date.now() }).where('id', '=', id).execute()
			await enqueueSearch(trx, 'need', id)
		})
	}

	async function insertOffer(values: { title: string; description?: string; status?: OfferStatus; coverage?: OfferCoverage; capacity?: number | null; categories?: string[]; regions?: string[] }) {
		const id = newId()
		const now = Date.now()
		await ctx.db.transaction().execute(async (trx) => {
			await trx
				.insertInto('offer')
				.values({
					id,
					providerOrgId: unitOrg,
					title: values.title,
					description: values.description ?? '',
					measure: 'quantity',
					unit: '人',
					capacity: values.capacity === undefined ? null : values.capacity,
					coverage: values.coverage ?? (values.regions?.length ? 'regions' : 'nationwide'),
					categoryMask: categoryMask((values.categories ?? []) as NeedCategory[]),
					validFrom: now,
					validUntil: now + 365 * DAY,
					status: values.status ?? 'active',
					statusNote: null,
					publishedAt: now,
					createdBy: 'test',
					createdAt: now,
					updatedAt: now,
				})
				.execute()
			for (const category of values.categories ?? []) {
				await trx.insertInto('offerCategory').values({ offerId: id, category: category as DB['offerCategory']['category'] }).execute()
			}
			for (const regionCode of values.regions ?? []) await trx.insertInto('offerRegion').values({ offerId: id, regionCode }).execute()
			await enqueueSearch(trx, 'offer', id, now)
		})
		return id
	}

	async function insertProject(values: { title: string; villages: string[] }) {
		const id = newId()
		const now = Date.now()
		await ctx.db.transaction().execute(async (trx) => {
			await trx
				.insertInto('project')
				.values({
					id,
					enterpriseOrgId: enterpriseOrg,
					title: values.title,
					description: '',
					type: 'industry',
					plannedInvestment: 100_000_000,
					startsOn: now,
					endsOn: now + 365 * DAY,
					status: 'running',
					createdBy: 'test',
					createdAt: now,
					updatedAt: now,
				})
				.execute()
			for (const villageCode of values.villages) await trx.insertInto('projectVillage').values({ projectId: id, villageCode }).execute()
			await enqueueSearch(trx, 'project', id, now)
		})
		return id
	}

	const outboxRows = (db: Kysely<DB>) => db.selectFrom('searchOutbox').selectAll().orderBy('id').execute()

	it('keeps the write and the outbox row when the engine is down, and indexes once it is back', async () => {
		const id = await insertNeed({ title: '蔬菜种植基地', description: '建设蔬菜大棚' })
		const now = Date.now()

		const failed = await drainSearchOutbox(ctx.db, downEngine(), { now })
		expect(failed).toMatchObject({ taken: 1, processed: 0, failed: 1 })
		expect(failed.errors).toEqual([{ type: 'need', message: expect.stringContaining('ECONNREFUSED') }])
		// The write itself stands.
		expect(await ctx.db.selectFrom('need').select('status').where('id', '=', id).executeTakeFirst()).toEqual({ status: 'published' })
		const [row] = await outboxRows(ctx.db)
		expect(row).toMatchObject({ entityType: 'need', entityId: id, attempts: 1, nextAttemptAt: now + backoffMs(1) })
		expect(row.lastError).toContain('ECONNREFUSED')
		expect(row.nextAttemptAt).toBeGreaterThan(now)

		// Not due yet: a working engine leaves it alone until the backoff has passed.
		const engine = createEmbeddedSearchEngine()
		expect((await drainSearchOutbox(ctx.db, engine, { now })).taken).toBe(0)
		const second = await drainSearchOutbox(ctx.db, engine, { now: row.nextAttemptAt })
		expect(second).toMatchObject({ taken: 1, processed: 1, upserted: 1, removed: 0, failed: 0, errors: [] })
		expect(await outboxRows(ctx.db)).toEqual([])
		expect(await hitIds(engine, 'need', '蔬菜')).toEqual([id])
	})

	it('backs off exponentially up to ten minutes', async () => {
		expect([1, 2, 3, 9, 10, 50].map(backoffMs)).toEqual([2000, 4000, 8000, 512_000, 600_000, 600_000])
		const id = await insertNeed({ title: '修建村道' })
		let now = Date.now()
		for (let attempt = 1; attempt <= 3; attempt++) {
			await drainSearchOutbox(ctx.db, downEngine(), { now })
			const [row] = await outboxRows(ctx.db)
			expect(row).toMatchObject({ entityId: id, attempts: attempt, nextAttemptAt: now + backoffMs(attempt) })
			now = row.nextAttemptAt
		}
		await drainSearchOutbox(ctx.db, createEmbeddedSearchEngine(), { now })
	})

	it('removes records that are not public instead of indexing them', async () => {
		const engine = createEmbeddedSearchEngine()
		const draft = await insertNeed({ title: '草稿蔬菜需求', status: 'draft' })
		const published = await insertNeed({ title: '有机蔬菜销售' })
		const result = await drainSearchOutbox(ctx.db, engine, { now: Date.now() })
		expect(result).toMatchObject({ processed: 2, upserted: 1, removed: 1 })
		expect(await hitIds(engine, 'need', '蔬菜')).toEqual([published])

		// Withdrawn from view (returned for edits): removed on the next drain. Closed stays listed.
		await setNeedStatus(published, 'returned')
		expect(await drainSearchOutbox(ctx.db, engine, { now: Date.now() })).toMatchObject({ upserted: 0, removed: 1 })
		expect(await hitIds(engine, 'need', '蔬菜')).toEqual([])
		await setNeedStatus(published, 'closed')
		await drainSearchOutbox(ctx.db, engine, { now: Date.now() })
		expect(await hitIds(engine, 'need', '蔬菜')).toEqual([published])
		expect(await loadSearchDocuments(ctx.db, 'need', [draft])).toEqual([])
	})

	it('applies several changes to one record once, and two drains at once do no harm', async () => {
		const engine = createEmbeddedSearchEngine()
		const id = await insertNeed({ title: '茶叶加工设备' })
		await setNeedStatus(id, 'published')
		await setNeedStatus(id, 'published')
		const now = Date.now()
		const [a, b] = await Promise.all([drainSearchOutbox(ctx.db, engine, { now }), drainSearchOutbox(ctx.db, engine, { now })])
		expect(a.failed + b.failed).toBe(0)
		expect(a.upserted).toBeLessThanOrEqual(1)
		expect(await outboxRows(ctx.db)).toEqual([])
		expect(await hitIds(engine, 'need', '茶叶')).toEqual([id])
	})

	it('drains in batches, oldest first', async () => {
		const engine = createEmbeddedSearchEngine()
		const first = await insertNeed({ title: '第一批次' })
		const second = await insertNeed({ title: '第二批次' })
		const now = Date.now()
		expect(await drainSearchOutbox(ctx.db, engine, { now, batch: 1 })).toMatchObject({ taken: 1, more: true })
		expect(await hitIds(engine, 'need', '批次')).toEqual([first])
		expect(await drainSearchOutbox(ctx.db, engine, { now, batch: 1 })).toMatchObject({ taken: 1 })
		expect(await drainSearchOutbox(ctx.db, engine, { now, batch: 1 })).toMatchObject({ taken: 0, more: false })
		expect(await hitIds(engine, 'need', '批次')).toEqual([first, second].sort())
	})

	it('builds need documents with the region tree, key county, organization and place names', async () => {
		const id = await insertNeed({ title: '冷链仓储', description: '建设冷库' })
		const other = await insertNeed({ title: '光明村道路', villageCode: '513432100201' })
		const docs = await loadSearchDocuments(ctx.db, 'need', [id, other, 'missing'])
		const doc = docs.find((d) => d.id === id)!
		expect(docs).toHaveLength(2)
		expect(doc).toMatchObject({
			type: 'need',
			title: '冷链仓储',
			categories: ['industry'],
			regionCodes: ['513431100201'],
			status: 'published',
			urgency: 'high',
			orgId: villageOrg,
			orgKind: 'village',
			isKeyCounty: true,
			remaining: 5_000_000,
		})
		expect(doc.regionPrefixes.sort()).toEqual(['510000000000', '513400000000', '513431000000', '513431100000', '513431100201'])
		expect(doc.body).toContain('建设冷库')
		expect(doc.body).toContain('三河村')
		expect(doc.body).toContain('三河村村委会')
		expect(docs.find((d) => d.id === other)?.isKeyCounty).toBe(false)
	})

	it('indexes offers with categories, covered regions and unlimited capacity, and not withdrawn ones', async () => {
		const engine = createEmbeddedSearchEngine()
		const training = await insertOffer({ title: 'Vocational Training', description: '职业技能培训', categories: ['talent', 'employment'], regions: ['513431000000'], capacity: null })
		const nationwide = await insertOffer({ title: '消费帮扶采购', categories: ['consumption'], capacity: 1_000_000 })
		const withdrawn = await insertOffer({ title: 'Training withdrawn', status: 'withdrawn' })
		await drainSearchOutbox(ctx.db, engine, { now: Date.now() })

		expect(await hitIds(engine, 'offer', 'training')).toEqual([training])
		const inCounty = await engine.search({ type: 'offer', filters: { regionPrefix: '513431000000' } })
		expect(inCounty.hits.map((h) => h.id)).toEqual([training])
		expect(inCounty.facets.categories).toEqual({ talent: 1, employment: 1 })

		const docs = await loadSearchDocuments(ctx.db, 'offer', [training, nationwide, withdrawn])
		expect(docs.map((d) => d.id).sort()).toEqual([training, nationwide].sort())
		expect(docs.find((d) => d.id === training)).toMatchObject({ remaining: null, isKeyCounty: true, orgKind: 'central_unit', regionCodes: ['513431000000'] })
		expect(docs.find((d) => d.id === nationwide)).toMatchObject({ remaining: 1_000_000, isKeyCounty: false, regionCodes: [], regionPrefixes: [] })
	})

	it("covers the provider's paired regions for offers limited to pairings", async () => {
		const now = Date.now()
		await ctx.db
			.insertInto('pairing')
			.values({ id: newId(), kind: 'targeted', providerOrgId: unitOrg, providerRegionCode: null, recipientRegionCode: '513432000000', startedYear: 2021, status: 'active', createdBy: null, createdAt: now, endedBy: null, endedAt: null })
			.execute()
		const id = await insertOffer({ title: '定点帮扶医疗队', coverage: 'pairings' })
		const [doc] = await loadSearchDocuments(ctx.db, 'offer', [id])
		expect(doc.regionCodes).toEqual(['513432000000'])
		expect(doc.regionPrefixes).toContain('510000000000')
	})

	it('rebuilds the whole index from the database', async () => {
		await insertProject({ title: '蔬菜加工厂', villages: ['513431100201', '513432100201'] })
		const engine = createEmbeddedSearchEngine()
		await engine.upsert([{ id: 'stale', type: 'need', title: '过期的索引', body: '', categories: [], regionCodes: [], regionPrefixes: [], status: 'published', orgId: 'x', orgKind: 'village', isKeyCounty: false, createdAt: 0 }])
		const counts = await rebuildSearchIndex(ctx.db, engine, { batch: 2 })

		const expected = {
			need: Number((await ctx.db.selectFrom('need').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', ['published', 'closed', 'expired']).executeTakeFirstOrThrow()).n),
			offer: Number((await ctx.db.selectFrom('offer').select((eb) => eb.fn.countAll<number>().as('n')).where('status', 'in', PUBLIC_STATUSES.offer as OfferStatus[]).executeTakeFirstOrThrow()).n),
			project: Number((await ctx.db.selectFrom('project').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
		}
		expect(expected.need).toBeGreaterThan(2)
		expect(counts).toEqual(expected)
		expect((await engine.search({ type: 'need', pageSize: 100 })).total).toBe(expected.need)
		expect((await engine.search({ type: 'need', q: '过期的索引' })).total).toBe(0)
		const project = await engine.search({ type: 'project', q: '蔬菜' })
		expect(project.total).toBe(1)
		// In two counties, one of them a key county.
		expect((await engine.search({ type: 'project', filters: { regionPrefix: '513432000000', keyCounty: true } })).total).toBe(1)
	})
})
