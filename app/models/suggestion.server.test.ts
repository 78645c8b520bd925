import { createInstance } from 'i18next'
import type { Kysely } from 'kysely'
import { describe, expect, it } from 'vitest'
import type { CommitmentStatus, DB, Measure, NeedCategory, OfferCoverage, OfferStatus, OrgKind, PairingKind, Urgency } from '#db/schema.ts'
import { resources } from '#app/i18n.ts'
import { iterateSearchDocuments } from '#app/search/documents.server.ts'
import { createEmbeddedSearchEngine } from '#app/search/embedded.server.ts'
import type { SearchEngine } from '#app/search/port.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { makeOrg, seedRegions } from '#tests/factories.ts'
import { categoryMask } from './marketplace-vocab.ts'
import { GEOGRAPHY_TIERS, PAIRING_TIERS, REASON_CODES, SUGGESTION_WEIGHTS } from './suggestion-weights.ts'
import { type SuggestionReason, suggestNeedsForOffer, suggestOffersForNeed, titleWords } from './suggestion.server.ts'

// 2026-06-15 12:00 in China.
const NOW = Date.UTC(2026, 5, 15, 4)
const DAY = 86_400_000

// From seedRegions: 四川省 凉山彝族自治州, 昭觉县 (a national key county) with 新城镇 (三河村, 火普村)
// and 谷曲乡 (谷曲村), 喜德县 with 光明镇 (光明村); 浙江省 杭州市; 北京市. Plus 成都 below.
const R = {
	sichuan: '510000000000',
	liangshan: '513400000000',
	zhaojue: '513431000000',
	xincheng: '513431100000',
	sanhe: '513431100201',
	huopu: '513431100202',
	guqu: '513431101201',
	xide: '513432000000',
	guangming: '513432100201',
	zhejiang: '330000000000',
	hangzhou: '330100000000',
	beijing: '110000000000',
	chengdu: '510100000000',
	jinjiang: '510104000000',
	chunxi: '510104001001',
}

async function seedWorld(db: Kysely<DB>) {
	await seedRegions(db)
	const extra = [
		{ code: R.chengdu, name: '成都市', level: 2 as const, parentCode: R.sichuan, isKeyCounty: 0 },
		{ code: R.jinjiang, name: '锦江区', level: 3 as const, parentCode: R.chengdu, isKeyCounty: 0 },
		{ code: '510104001000', name: '督院街街道', level: 4 as const, parentCode: R.jinjiang, isKeyCounty: 0 },
		{ code: R.chunxi, name: '春熙社区', level: 5 as const, parentCode: '510104001000', isKeyCounty: 0 },
	]
	const have = await db.selectFrom('region').select('code').where('code', 'in', extra.map((r) => r.code)).execute()
	const fresh = extra.filter((r) => !have.some((h) => h.code === r.code))
	if (fresh.length) await db.insertInto('region').values(fresh).execute()
}

async function villageOrg(db: Kysely<DB>, code: string) {
	const row = await db.selectFrom('organization').select('id').where('villageCode', '=', code).executeTakeFirst()
	return row?.id ?? makeOrg(db, 'village', { regionCode: code })
}

function provider(db: Kysely<DB>, kind: OrgKind = 'enterprise', regionCode: string | null = R.beijing, status: 'verified' | 'suspended' = 'verified') {
	return makeOrg(db, kind, { regionCode, status })
}

async function pair(db: Kysely<DB>, p: { kind: PairingKind; providerOrgId?: string; providerRegionCode?: string; recipient: string; status?: 'active' | 'ended' }) {
	await db
		.insertInto('pairing')
		.values({
			id: newId(),
			kind: p.kind,
			providerOrgId: p.providerOrgId ?? null,
			providerRegionCode: p.providerRegionCode ?? null,
			recipientRegionCode: p.recipient,
			startedYear: 2021,
			note: '',
			status: p.status ?? 'active',
			createdBy: null,
			createdAt: NOW,
			endedBy: null,
			endedAt: null,
		})
		.execute()
}

type OfferSpec = {
	id?: string
	providerOrgId: string
	unit: string | null
	title?: string
	measure?: Measure
	categories?: NeedCategory[]
	coverage?: OfferCoverage
	regions?: string[]
	capacity?: number | null
	status?: OfferStatus
	validFrom?: number
	validUntil?: number
}

async function addOffer(db: Kysely<DB>, o: OfferSpec) {
	const id = o.id ?? newId()
	await db
		.insertInto('offer')
		.values({
			id,
			providerOrgId: o.providerOrgId,
			title: o.title ?? '帮扶资源',
			description: '',
			measure: o.measure ?? (o.unit === null ? 'amount' : 'quantity'),
			unit: o.unit,
			capacity: o.capacity === undefined ? null : o.capacity,
			coverage: o.coverage ?? 'nationwide',
			categoryMask: categoryMask(o.categories ?? ['industry']),
			validFrom: o.validFrom ?? NOW - 30 * DAY,
			validUntil: o.validUntil ?? NOW + 200 * DAY,
			status: o.status ?? 'active',
			statusNote: null,
			publishedAt: NOW - 30 * DAY,
			createdBy: 'test',
			createdAt: NOW - 30 * DAY,
			updatedAt: NOW - 30 * DAY,
		})
		.execute()
	await db
		.insertInto('offerCategory')
		.values((o.categories ?? ['industry']).map((category) => ({ offerId: id, category })))
		.execute()
	if (o.regions?.length) await db.insertInto('offerRegion').values(o.regions.map((regionCode) => ({ offerId: id, regionCode }))).execute()
	return id
}

type NeedSpec = { village: string; unit: string | null; title?: string; category?: NeedCategory; target?: number; urgency?: Urgency; neededBy?: number; status?: 'published' | 'draft' | 'closed' }

async function addNeed(db: Kysely<DB>, n: NeedSpec) {
	const id = newId()
	await db
		.insertInto('need')
		.values({
			id,
			villageOrgId: await villageOrg(db, n.village),
			villageCode: n.village,
			title: n.title ?? '村级需求',
			description: '',
			category: n.category ?? 'industry',
			measure: n.unit === null ? 'amount' : 'quantity',
			unit: n.unit,
			target: n.target ?? 100,
			urgency: n.urgency ?? 'normal',
			neededBy: n.neededBy ?? NOW + 90 * DAY,
			status: n.status ?? 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: NOW - 10 * DAY,
			submittedAt: NOW - 11 * DAY,
			publishedAt: n.status === 'draft' ? null : NOW - 10 * DAY,
			closedAt: null,
			createdBy: 'test',
			createdAt: NOW - 12 * DAY,
			updatedAt: NOW - 10 * DAY,
		})
		.execute()
	return id
}

async function addCommitment(
	db: Kysely<DB>,
	c: { needId: string; providerOrgId: string; amount: number; status: CommitmentStatus; offerId?: string; dueAt?: number; verifiedAt?: number | null },
) {
	const need = await db.selectFrom('need').select(['villageOrgId', 'villageCode']).where('id', '=', c.needId).executeTakeFirstOrThrow()
	await db
		.insertInto('commitment')
		.values({
			id: newId(),
			needId: c.needId,
			offerId: c.offerId ?? null,
			providerOrgId: c.providerOrgId,
			villageOrgId: need.villageOrgId,
			villageCode: need.villageCode,
			amount: c.amount,
			deliveredAmount: null,
			status: c.status,
			message: '',
			dueAt: c.dueAt ?? NOW + 30 * DAY,
			lapseAt: NOW + 14 * DAY,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: c.status === 'pledged' ? null : NOW - 20 * DAY,
			deliveryStartedAt: null,
			deliveredAt: null,
			verifiedAt: c.verifiedAt ?? null,
			verifiedBy: null,
			closedAt: null,
			createdBy: 'test',
			createdAt: NOW - 20 * DAY,
			updatedAt: NOW - 20 * DAY,
		})
		.execute()
}

const ids = (rows: Array<{ offerId: string }>) => rows.map((r) => r.offerId)
const codes = (reasons: SuggestionReason[]) => reasons.map((r) => r.code.replace('suggestion.reason.', ''))

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

describe('suggestion weights (pure)', () => {
	it('add up to 1, and pairing outranks geography at every tier', () => {
		const sum = Object.values(SUGGESTION_WEIGHTS).reduce((s, w) => s + w, 0)
		expect(sum).toBeCloseTo(1, 10)
		const weakestPairing = SUGGESTION_WEIGHTS.pairing * Math.min(...Object.values(PAIRING_TIERS))
		const bestGeography = SUGGESTION_WEIGHTS.geography * Math.max(...Object.values(GEOGRAPHY_TIERS))
		expect(weakestPairing).toBeGreaterThan(bestGeography)
		expect(PAIRING_TIERS.twinning).toBeGreaterThan(PAIRING_TIERS.targeted)
		expect(PAIRING_TIERS.targeted).toBeGreaterThan(PAIRING_TIERS.east_west)
	})

	it('takes title words without place names and filler', () => {
		expect(titleWords('三河村蔬菜大棚技术培训', ['三河村', '新城镇', '昭觉县'])).toEqual(['蔬菜', '大棚', '技术'])
		// The committee form of a village name is removed too, and single characters are joined.
		expect(titleWords('鞍山村村民委员会需要帮扶辣椒种植', ['鞍山村村民委员会'])).toEqual(['辣椒', '种植'])
		expect(titleWords('Rural e-commerce training 2026')).toEqual(['rural', 'commerce', 'training'])
	})
})

describeDb('suggestions', (ctx) => {
	const opts = { now: NOW, engine: null }

	it('ranks a twinned provider above one in the same county above one with neither', async () => {
		const { db } = ctx
		await seedWorld(db)
		const twin = await provider(db, 'enterprise', R.beijing)
		const local = await provider(db, 'enterprise', R.zhaojue)
		const far = await provider(db, 'enterprise', R.beijing)
		await pair(db, { kind: 'twinning', providerOrgId: twin, recipient: R.sanhe })
		// Twinned with another village: not a relation with 三河村.
		await pair(db, { kind: 'twinning', providerOrgId: far, recipient: R.huopu })
		const unit = 'u-abc'
		const a = await addOffer(db, { providerOrgId: twin, unit })
		const b = await addOffer(db, { providerOrgId: local, unit })
		const c = await addOffer(db, { providerOrgId: far, unit })
		const needId = await addNeed(db, { village: R.sanhe, unit })

		const out = await suggestOffersForNeed(db, needId, opts)
		expect(ids(out)).toEqual([a, b, c])
		expect(out[0].score).toBeGreaterThan(out[1].score)
		expect(out[1].score).toBeGreaterThan(out[2].score)
		expect(out[0].reasons[0]).toEqual({ code: 'suggestion.reason.twinning', params: { village: '三河村' } })
		expect(out[1].reasons[0]).toEqual({ code: 'suggestion.reason.same_county', params: { region: '昭觉县' } })
		expect(codes(out[2].reasons)).toEqual(['category', 'capacity_full', 'key_county'])
		expect(out[0]).toMatchObject({ providerOrgId: twin, providerKind: 'enterprise', title: '帮扶资源' })
		expect(out[0].providerName).toMatch(/^enterprise-/)
	})

	it('ranks 定点帮扶 above 东西部协作 above nothing, and reads coverage from the pairings', async () => {
		const { db } = ctx
		await seedWorld(db)
		const central = await provider(db, 'central_unit', R.beijing)
		const partner = await provider(db, 'east_west_partner', R.zhejiang)
		const hangzhouFirm = await provider(db, 'enterprise', R.hangzhou)
		const plain = await provider(db, 'social_org', null)
		await pair(db, { kind: 'targeted', providerOrgId: central, recipient: R.zhaojue })
		await pair(db, { kind: 'east_west', providerRegionCode: R.zhejiang, recipient: R.sichuan })
		const unit = 'u-tew'
		// 'pairings' coverage: the central unit reaches 昭觉县, the partner the whole of 四川 through its region.
		const t = await addOffer(db, { providerOrgId: central, unit, coverage: 'pairings' })
		const e = await addOffer(db, { providerOrgId: partner, unit, coverage: 'pairings' })
		const firm = await addOffer(db, { providerOrgId: hangzhouFirm, unit })
		const x = await addOffer(db, { providerOrgId: plain, unit })
		// A 'pairings' offer of a provider without pairings covers nowhere.
		await addOffer(db, { providerOrgId: plain, unit, coverage: 'pairings' })
		const needId = await addNeed(db, { village: R.huopu, unit })

		const out = await suggestOffersForNeed(db, needId, opts)
		expect(ids(out)[0]).toBe(t)
		// The partner and the 杭州 firm share the same East–West relation: a tie, broken by offer id.
		expect(ids(out).slice(1, 3)).toEqual([e, firm].sort())
		expect(ids(out)[3]).toBe(x)
		expect(out).toHaveLength(4)
		expect(out[0].reasons[0]).toEqual({ code: 'suggestion.reason.targeted', params: { county: '昭觉县' } })
		const ew = out.find((o) => o.offerId === e)!
		expect(ew.reasons[0]).toEqual({ code: 'suggestion.reason.east_west', params: { provider: '浙江省', recipient: '四川省' } })
		expect(out.find((o) => o.offerId === firm)!.reasons[0].code).toBe('suggestion.reason.east_west')
	})

	it('excludes category mismatches and offers that are not live, not covering, used up or of another measure', async () => {
		const { db } = ctx
		await seedWorld(db)
		const p = await provider(db)
		const suspended = await provider(db, 'enterprise', R.beijing, 'suspended')
		const unit = 'u-gate'
		const keep = {
			village: await addOffer(db, { providerOrgId: p, unit, coverage: 'regions', regions: [R.sanhe] }),
			township: await addOffer(db, { providerOrgId: p, unit, coverage: 'regions', regions: [R.xincheng] }),
			province: await addOffer(db, { providerOrgId: p, unit, coverage: 'regions', regions: [R.xide, R.sichuan] }),
			multiCategory: await addOffer(db, { providerOrgId: p, unit, categories: ['education', 'industry'] }),
			pledgedOnly: await addOffer(db, { providerOrgId: p, unit, capacity: 10 }),
			lastDay: await addOffer(db, { providerOrgId: p, unit, validUntil: Date.UTC(2026, 5, 14, 16) }),
		}
		const drop = {
			otherCategory: await addOffer(db, { providerOrgId: p, unit, categories: ['education'] }),
			otherCounty: await addOffer(db, { providerOrgId: p, unit, coverage: 'regions', regions: [R.xide] }),
			otherVillage: await addOffer(db, { providerOrgId: p, unit, coverage: 'regions', regions: [R.huopu] }),
			expired: await addOffer(db, { providerOrgId: p, unit, validUntil: Date.UTC(2026, 5, 13, 16) }),
			notYet: await addOffer(db, { providerOrgId: p, unit, validFrom: NOW + DAY }),
			paused: await addOffer(db, { providerOrgId: p, unit, status: 'paused' }),
			draft: await addOffer(db, { providerOrgId: p, unit, status: 'draft' }),
			withdrawn: await addOffer(db, { providerOrgId: p, unit, status: 'withdrawn' }),
			exhausted: await addOffer(db, { providerOrgId: p, unit, capacity: 10 }),
			otherUnit: await addOffer(db, { providerOrgId: p, unit: 'u-other' }),
			amount: await addOffer(db, { providerOrgId: p, unit: null }),
			suspendedProvider: await addOffer(db, { providerOrgId: suspended, unit }),
		}
		const needId = await addNeed(db, { village: R.sanhe, unit, target: 50 })
		const history = await addNeed(db, { village: R.guqu, unit, status: 'closed' })
		await addCommitment(db, { needId: history, providerOrgId: p, offerId: drop.exhausted, amount: 10, status: 'accepted' })
		await addCommitment(db, { needId: history, providerOrgId: p, offerId: keep.pledgedOnly, amount: 10, status: 'pledged' })
		await addCommitment(db, { needId: history, providerOrgId: p, offerId: keep.pledgedOnly, amount: 10, status: 'declined' })

		const out = await suggestOffersForNeed(db, needId, { ...opts, limit: 100 })
		expect(ids(out).sort()).toEqual(Object.values(keep).sort())
		for (const gone of Object.values(drop)) expect(ids(out)).not.toContain(gone)
	})

	it('prefers capacity that covers the remaining gap, counting accepted commitments on the need', async () => {
		const { db } = ctx
		await seedWorld(db)
		const p = await provider(db)
		const unit = 'u-cap'
		const needId = await addNeed(db, { village: R.guqu, unit, target: 100 })
		// 40 of 100 are accepted; a pledge does not count: the gap is 60.
		await addCommitment(db, { needId, providerOrgId: p, amount: 40, status: 'accepted' })
		await addCommitment(db, { needId, providerOrgId: p, amount: 30, status: 'pledged' })
		const full = await addOffer(db, { providerOrgId: p, unit, capacity: 60 })
		const unlimited = await addOffer(db, { providerOrgId: p, unit, capacity: null })
		const half = await addOffer(db, { providerOrgId: p, unit, capacity: 30 })

		const out = await suggestOffersForNeed(db, needId, opts)
		expect(ids(out)).toEqual([full, unlimited].sort().concat(half))
		expect(out[0].score).toBe(out[1].score)
		expect(codes(out[0].reasons)).toContain('capacity_full')
		expect(out[2].reasons.find((r) => r.code === 'suggestion.reason.capacity_partial')?.params).toEqual({ percent: 50 })

		// Fully covered: nothing left to suggest.
		await addCommitment(db, { needId, providerOrgId: p, amount: 60, status: 'in_delivery' })
		expect(await suggestOffersForNeed(db, needId, opts)).toEqual([])
	})

	it("weighs the provider's verified on-time record, neutral without one", async () => {
		const { db } = ctx
		await seedWorld(db)
		const punctual = await provider(db)
		const newcomer = await provider(db)
		const late = await provider(db)
		const unit = 'u-rec'
		const history = await addNeed(db, { village: R.guqu, unit, status: 'closed' })
		const due = NOW - 40 * DAY
		// Verified on the due day itself still counts as on time (due dates are whole days).
		for (const verifiedAt of [due - DAY, due, due + 20 * 3_600_000]) {
			await addCommitment(db, { needId: history, providerOrgId: punctual, amount: 1, status: 'verified', dueAt: due, verifiedAt })
		}
		await addCommitment(db, { needId: history, providerOrgId: late, amount: 1, status: 'closed', dueAt: due, verifiedAt: due + 3 * DAY })
		await addCommitment(db, { needId: history, providerOrgId: late, amount: 1, status: 'accepted', dueAt: due })
		await addCommitment(db, { needId: history, providerOrgId: late, amount: 1, status: 'in_delivery', dueAt: NOW - 2 * DAY })
		// Not counted: not yet due, declined, delivered awaiting verification.
		await addCommitment(db, { needId: history, providerOrgId: late, amount: 1, status: 'accepted', dueAt: NOW + 5 * DAY })
		await addCommitment(db, { needId: history, providerOrgId: newcomer, amount: 1, status: 'declined', dueAt: due })
		await addCommitment(db, { needId: history, providerOrgId: newcomer, amount: 1, status: 'delivered', dueAt: due })

		const a = await addOffer(db, { providerOrgId: punctual, unit })
		const b = await addOffer(db, { providerOrgId: newcomer, unit })
		const c = await addOffer(db, { providerOrgId: late, unit })
		const needId = await addNeed(db, { village: R.guqu, unit })

		const out = await suggestOffersForNeed(db, needId, opts)
		expect(ids(out)).toEqual([a, b, c])
		expect(out[0].reasons.find((r) => r.code === 'suggestion.reason.on_time')?.params).toEqual({ rate: 100, onTime: 3, total: 3 })
		expect(out[1].reasons.some((r) => r.code === 'suggestion.reason.on_time')).toBe(false)
		expect(out[2].reasons.find((r) => r.code === 'suggestion.reason.on_time')?.params).toEqual({ rate: 0, onTime: 0, total: 3 })
	})

	it('adds text relevance from the search engine, and carries on without one', async () => {
		const { db } = ctx
		await seedWorld(db)
		const p = await provider(db)
		const unit = 'u-text'
		const generic = await addOffer(db, { providerOrgId: p, unit, title: '通用帮扶资金' })
		const match = await addOffer(db, { providerOrgId: p, unit, title: '蔬菜大棚种植技术指导' })
		const needId = await addNeed(db, { village: R.sanhe, unit, title: '三河村蔬菜大棚技术培训' })

		const engine = createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(db, type) })
		const withText = await suggestOffersForNeed(db, needId, { ...opts, engine })
		expect(ids(withText)).toEqual([match, generic])
		expect(withText[0].reasons.at(-1)).toEqual({ code: 'suggestion.reason.text_match', params: { words: '蔬菜、大棚、技术' } })

		// Without text relevance the two tie, broken by offer id (generic was created first).
		expect(ids(await suggestOffersForNeed(db, needId, opts))).toEqual([generic, match].sort())
		const failing = (relevance: SearchEngine['relevance']): SearchEngine => ({
			upsert: engine.upsert.bind(engine),
			remove: engine.remove.bind(engine),
			search: engine.search.bind(engine),
			clear: engine.clear.bind(engine),
			health: engine.health.bind(engine),
			relevance,
		})
		const broken = failing(() => () => Promise.reject(new Error('engine down')))
		const throwing = failing(() => {
			throw new Error('engine down')
		})
		const hanging = failing(() => () => new Promise(() => {}))
		for (const bad of [broken, throwing, hanging]) expect(ids(await suggestOffersForNeed(db, needId, { ...opts, engine: bad }))).toEqual([generic, match].sort())
	})

	it('names urgency, a close date and a key county; the need-side factors lift every offer alike', async () => {
		const { db } = ctx
		await seedWorld(db)
		const p = await provider(db)
		const unit = 'u-urg'
		await addOffer(db, { providerOrgId: p, unit })
		const urgent = await addNeed(db, { village: R.sanhe, unit, urgency: 'critical', neededBy: NOW + 10 * DAY })
		const calm = await addNeed(db, { village: R.chunxi, unit, urgency: 'low', neededBy: NOW + 300 * DAY })

		const [u] = await suggestOffersForNeed(db, urgent, opts)
		const [c] = await suggestOffersForNeed(db, calm, opts)
		expect(codes(u.reasons)).toEqual(['category', 'capacity_full', 'urgent', 'needed_soon', 'key_county'])
		expect(u.reasons.slice(2)).toEqual([
			{ code: 'suggestion.reason.urgent', params: { urgency: 'critical' } },
			{ code: 'suggestion.reason.needed_soon', params: { days: 10 } },
			{ code: 'suggestion.reason.key_county', params: { county: '昭觉县' } },
		])
		expect(codes(c.reasons)).toEqual(['category', 'capacity_full'])
		expect(u.score).toBeGreaterThan(c.score)
	})

	it('gives the same ranking whatever the insert order, ties by offer id', async () => {
		const { db } = ctx
		await seedWorld(db)
		const twin = await provider(db, 'enterprise', R.beijing)
		const local = await provider(db, 'enterprise', R.zhaojue)
		const others = [await provider(db), await provider(db), await provider(db)]
		await pair(db, { kind: 'twinning', providerOrgId: twin, recipient: R.huopu })
		const unit = 'u-det'
		const specs: OfferSpec[] = [
			{ id: newId(), providerOrgId: twin, unit },
			{ id: newId(), providerOrgId: local, unit },
			...others.map((o) => ({ id: newId(), providerOrgId: o, unit })),
			// Like the ties, but with a fifth of the gap: last.
			{ id: newId(), providerOrgId: others[0], unit, capacity: 20 },
		]
		const needId = await addNeed(db, { village: R.huopu, unit })
		const rankings: string[][] = []
		for (const order of [[0, 1, 2, 3, 4, 5], [5, 3, 1, 4, 0, 2], [2, 4, 5, 0, 3, 1]]) {
			const offerIds = specs.map((s) => s.id as string)
			await db.deleteFrom('offerCategory').where('offerId', 'in', offerIds).execute()
			await db.deleteFrom('offer').where('id', 'in', offerIds).execute()
			for (const i of order) await addOffer(db, specs[i])
			rankings.push(ids(await suggestOffersForNeed(db, needId, opts)))
		}
		expect(rankings[1]).toEqual(rankings[0])
		expect(rankings[2]).toEqual(rankings[0])
		const [a, b, t1, t2, t3, c] = specs.map((s) => s.id as string)
		expect(rankings[0]).toEqual([a, b, t1, t2, t3, c])
	})

	it('refuses a need that is not published', async () => {
		const { db } = ctx
		await seedWorld(db)
		const draft = await addNeed(db, { village: R.guqu, unit: 'u-x', status: 'draft' })
		expect((await appError(suggestOffersForNeed(db, draft, opts))).code).toBe('not_found')
		expect((await appError(suggestOffersForNeed(db, 'nope', opts))).code).toBe('not_found')
	})

	it('suggests needs for an offer by the same rules, seen from the offer', async () => {
		const { db } = ctx
		await seedWorld(db)
		// A 喜德县 enterprise twinned with 三河村 (in 昭觉县).
		const p = await provider(db, 'enterprise', R.xide)
		await pair(db, { kind: 'twinning', providerOrgId: p, recipient: R.sanhe })
		const unit = 'u-mirror'
		const offerId = await addOffer(db, { providerOrgId: p, unit, capacity: 500, title: '辣椒种植技术服务' })
		const twinned = await addNeed(db, { village: R.sanhe, unit })
		const sameCounty = await addNeed(db, { village: R.guangming, unit })
		const sameProvince = await addNeed(db, { village: R.chunxi, unit, title: '春熙社区辣椒种植' })
		const excluded = [
			await addNeed(db, { village: R.sanhe, unit, category: 'education' }),
			await addNeed(db, { village: R.sanhe, unit: 'u-other' }),
			await addNeed(db, { village: R.sanhe, unit, status: 'draft' }),
		]
		const covered = await addNeed(db, { village: R.guangming, unit, target: 5 })
		const history = await addNeed(db, { village: R.guqu, unit, status: 'closed' })
		await addCommitment(db, { needId: covered, providerOrgId: p, amount: 5, status: 'accepted' })
		// Uses up 100 of the 500: 400 left, more than any gap here.
		await addCommitment(db, { needId: history, providerOrgId: p, offerId, amount: 100, status: 'verified', dueAt: NOW - 10 * DAY, verifiedAt: NOW - 11 * DAY })

		const out = await suggestNeedsForOffer(db, offerId, opts)
		expect(out.map((n) => n.needId)).toEqual([twinned, sameCounty, sameProvince])
		for (const gone of [...excluded, covered, history]) expect(out.map((n) => n.needId)).not.toContain(gone)
		expect(out[0]).toMatchObject({ villageCode: R.sanhe, villageName: '三河村', title: '村级需求' })
		expect(codes(out[0].reasons)).toEqual(['twinning', 'same_city', 'category', 'capacity_full', 'key_county', 'on_time'])
		expect(codes(out[1].reasons)).toEqual(['same_county', 'category', 'capacity_full', 'on_time'])
		expect(out[2].reasons[0]).toEqual({ code: 'suggestion.reason.same_province', params: { region: '四川省' } })

		// Text relevance lifts the need whose title shares the offer's words.
		const engine = createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(db, type) })
		const withText = await suggestNeedsForOffer(db, offerId, { ...opts, engine })
		expect(withText.find((n) => n.needId === sameProvince)?.reasons.at(-1)?.code).toBe('suggestion.reason.text_match')

		// Limited to the regions it lists: only the needs of 昭觉县.
		const regional = await addOffer(db, { providerOrgId: p, unit, coverage: 'regions', regions: [R.zhaojue] })
		expect((await suggestNeedsForOffer(db, regional, opts)).map((n) => n.needId)).toEqual([twinned])
		// Not active, or used up: not found, or nothing.
		const paused = await addOffer(db, { providerOrgId: p, unit, status: 'paused' })
		expect((await appError(suggestNeedsForOffer(db, paused, opts))).code).toBe('not_found')
		const small = await addOffer(db, { providerOrgId: p, unit, capacity: 1 })
		await addCommitment(db, { needId: history, providerOrgId: p, offerId: small, amount: 1, status: 'closed' })
		expect(await suggestNeedsForOffer(db, small, opts)).toEqual([])
	})

	it('words every reason in both languages, with the values it is given', async () => {
		const { db } = ctx
		// Every reason the fixtures above produce, both ways.
		const engine = createEmbeddedSearchEngine({ load: (type) => iterateSearchDocuments(db, type) })
		const seen = new Map<string, SuggestionReason>()
		for (const { id } of await db.selectFrom('need').select('id').where('status', '=', 'published').execute()) {
			for (const s of await suggestOffersForNeed(db, id, { ...opts, engine, limit: 100 })) for (const r of s.reasons) seen.set(r.code, r)
		}
		for (const { id } of await db.selectFrom('offer').select('id').where('status', '=', 'active').execute()) {
			for (const s of await suggestNeedsForOffer(db, id, { ...opts, engine, limit: 100 })) for (const r of s.reasons) seen.set(r.code, r)
		}
		expect([...seen.keys()].sort()).toEqual([...REASON_CODES].sort())
		for (const lng of ['zh-CN', 'en'] as const) {
			const i18n = createInstance()
			await i18n.init({ lng, resources: { [lng]: resources[lng] }, interpolation: { escapeValue: false } })
			for (const code of REASON_CODES) expect(i18n.exists(code), `${lng} ${code}`).toBe(true)
			for (const r of seen.values()) {
				const text = i18n.t(r.code, r.params)
				expect(text, `${lng} ${r.code}`).not.toMatch(/\{\{|\$t\(|suggestion\.|vocab\./)
			}
		}
		const zh = createInstance()
		await zh.init({ lng: 'zh-CN', resources: { 'zh-CN': resources['zh-CN'] }, interpolation: { escapeValue: false } })
		expect(zh.t('suggestion.reason.category', { category: 'industry' })).toBe('可服务「产业振兴」类需求')
	})
})
