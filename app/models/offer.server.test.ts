import type { Kysely } from 'kysely'
import { beforeAll, describe, expect, it } from 'vitest'
import type { DB, OrgKind } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'
import { listEvents } from './event.server.ts'
import { OfferSchema, parseYuan } from './offer.schema.ts'
import { chinaDayStart, formatChinaDate, parseChinaDate } from '#app/utils/china-date.ts'
import { fenToYuan } from '#app/utils/money.ts'
import { CATEGORY_BITS, categoryMask } from './marketplace-vocab.ts'
import { createOffer, expireOffers, getOffer, listCoveredRegionCodes, listOffersForOrg, transitionOffer, updateOffer } from './offer.server.ts'
import { createPairing, endPairing } from './pairing.server.ts'

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

// 2026-06-15 12:00 in China.
const NOW = Date.UTC(2026, 5, 15, 4)
const DAY = 86_400_000

function offerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		title: '农产品消费帮扶采购',
		description: '面向结对县采购特色农产品，按季度结算。',
		categories: ['consumption', 'industry'],
		measure: 'amount',
		capacity: '1234.56',
		coverage: 'nationwide',
		validFrom: '2026-06-01',
		validUntil: '2026-12-31',
		...overrides,
	}
}

/** A verified provider with an owner, an admin and a plain member. */
async function provider(db: Kysely<DB>, kind: OrgKind = 'central_unit', options: { regionCode?: string | null; status?: 'verified' | 'pending' | 'suspended' } = {}) {
	const owner = await makeAccount(db)
	const orgId = await makeOrg(db, kind, { ownerId: owner.id, regionCode: options.regionCode, status: options.status })
	const admin = await makeAccount(db)
	const member = await makeAccount(db)
	await db
		.insertInto('membership')
		.values([
			{ orgId, accountId: admin.id, role: 'admin', createdAt: NOW },
			{ orgId, accountId: member.id, role: 'member', createdAt: NOW },
		])
		.execute()
	return { orgId, owner: await actorFor(db, owner.id), admin: await actorFor(db, admin.id), member: await actorFor(db, member.id) }
}

async function outboxFor(db: Kysely<DB>, id: string) {
	const rows = await db.selectFrom('searchOutbox').select(['entityType']).where('entityId', '=', id).execute()
	return rows.map((r) => r.entityType)
}

async function snapshot(db: Kysely<DB>, offerId?: string) {
	return {
		offers: await countRows(db, 'offer'),
		categories: await countRows(db, 'offerCategory'),
		regions: await countRows(db, 'offerRegion'),
		events: await countRows(db, 'event'),
		outbox: await countRows(db, 'searchOutbox'),
		row: offerId ? await db.selectFrom('offer').selectAll().where('id', '=', offerId).executeTakeFirst() : undefined,
	}
}

describe('offer dates and money (pure)', () => {
	it('stores dates as China midnight and yuan as exact fen', () => {
		expect(parseChinaDate('2026-06-15')).toBe(Date.UTC(2026, 5, 14, 16))
		expect(parseChinaDate('2026-02-30')).toBeUndefined()
		expect(formatChinaDate(parseChinaDate('2026-01-01') as number)).toBe('2026-01-01')
		// 23:30 UTC on the 14th is already the 15th in China.
		expect(chinaDayStart(Date.UTC(2026, 5, 14, 23, 30))).toBe(parseChinaDate('2026-06-15'))
		expect(parseYuan('0.29', { min: 1 })).toEqual({ value: 29 })
		expect(parseYuan('1,000.5', { min: 1 })).toEqual({ value: 100050 })
		expect(parseYuan(12.34, { min: 1 })).toEqual({ value: 1234 })
		expect(parseYuan('10000000000', { min: 1 })).toEqual({ value: 1_000_000_000_000 })
		expect(parseYuan('0', { min: 0 })).toEqual({ value: 0 })
		expect([123456, 100, 150, 5, 0].map(fenToYuan)).toEqual(['1234.56', '1', '1.5', '0.05', '0'])
	})

	it('reports every field problem at once', () => {
		const result = OfferSchema.safeParse(offerInput({ title: '', measure: 'quantity', capacity: '-3', unit: '', categories: [] }))
		expect(result.success).toBe(false)
		const fields = Object.fromEntries((result.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]))
		expect(fields).toEqual({ title: 'validation.required', categories: 'validation.category_required', unit: 'validation.unit_required', capacity: 'validation.must_be_positive' })
	})
})

describeDb('offers', (ctx) => {
	beforeAll(async () => {
		await seedRegions(ctx.db)
	})

	it('a plain member drafts; the draft is private; an owner publishes, and it becomes public', async () => {
		const p = await provider(ctx.db)
		const { id } = await createOffer(ctx.db, p.orgId, offerInput({ coverage: 'regions', regionCodes: '513431000000, 513432000000' }), p.member, NOW)
		const row = await ctx.db.selectFrom('offer').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
		expect(row).toMatchObject({
			providerOrgId: p.orgId,
			status: 'draft',
			measure: 'amount',
			unit: null,
			capacity: 123456,
			coverage: 'regions',
			validFrom: parseChinaDate('2026-06-01'),
			validUntil: parseChinaDate('2026-12-31'),
			publishedAt: null,
			createdBy: p.member.accountId,
		})
		expect(await outboxFor(ctx.db, id)).toEqual(['offer'])

		const stranger = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		expect(await getOffer(ctx.db, id, stranger)).toBeUndefined()
		expect(await getOffer(ctx.db, id, null)).toBeUndefined()
		expect((await listOffersForOrg(ctx.db, p.orgId, stranger)).map((o) => o.id)).toEqual([])
		const mine = await getOffer(ctx.db, id, p.member)
		expect(mine).toMatchObject({
			categories: ['industry', 'consumption'],
			regions: [
				{ code: '513431000000', name: '四川省 凉山彝族自治州 昭觉县' },
				{ code: '513432000000', name: '四川省 凉山彝族自治州 喜德县' },
			],
			capacityUsed: 0,
			remaining: 123456,
			exhausted: false,
			displayStatus: 'draft',
			viewer: { role: 'member', canEdit: true, actions: [] },
		})
		expect(mine?.providerKind).toBe('central_unit')

		// A plain member may not publish.
		const e = await appError(transitionOffer(ctx.db, id, { action: 'publish' }, p.member, NOW))
		expect([e.code, e.message]).toEqual(['forbidden', 'errors.not_org_admin'])
		expect((await getOffer(ctx.db, id, p.owner))?.viewer.actions).toEqual(['publish', 'withdraw'])

		expect(await transitionOffer(ctx.db, id, { action: 'publish' }, p.owner, NOW)).toEqual({ status: 'active' })
		const published = await getOffer(ctx.db, id, null)
		expect(published).toMatchObject({ status: 'active', publishedAt: NOW, viewer: { canEdit: false, actions: [] } })
		expect((await listOffersForOrg(ctx.db, p.orgId, stranger)).map((o) => o.id)).toEqual([id])
		expect(await outboxFor(ctx.db, id)).toEqual(['offer', 'offer'])
	})

	it('runs the whole lifecycle with an event and an outbox row for every change', async () => {
		const p = await provider(ctx.db, 'social_org')
		const { id } = await createOffer(ctx.db, p.orgId, offerInput(), p.admin, NOW)
		await updateOffer(ctx.db, id, offerInput({ title: '改过的标题' }), p.member, NOW)
		await transitionOffer(ctx.db, id, { action: 'publish' }, p.admin, NOW)
		// Active offers cannot be edited; pausing first allows it, for managers only.
		expect((await appError(updateOffer(ctx.db, id, offerInput(), p.admin, NOW))).message).toBe('errors.offer_not_editable')
		await transitionOffer(ctx.db, id, { action: 'pause', note: '调整采购计划' }, p.admin, NOW)
		expect((await appError(updateOffer(ctx.db, id, offerInput(), p.member, NOW))).message).toBe('errors.not_org_admin')
		await updateOffer(ctx.db, id, offerInput({ capacity: '', unlimited: 'on', categories: 'health' }), p.admin, NOW)
		expect(await getOffer(ctx.db, id, null)).toMatchObject({ status: 'paused', statusNote: '调整采购计划', capacity: null, remaining: null, exhausted: false, categories: ['health'] })
		await transitionOffer(ctx.db, id, { action: 'resume' }, p.owner, NOW)
		await transitionOffer(ctx.db, id, { action: 'withdraw', note: '资金已另行安排' }, p.owner, NOW)
		expect(await getOffer(ctx.db, id, null)).toMatchObject({ status: 'withdrawn', statusNote: '资金已另行安排' })

		const events = await listEvents(ctx.db, 'offer', id)
		expect(events.map((e) => [e.action, e.fromState, e.toState])).toEqual([
			['create', null, 'draft'],
			['update', null, null],
			['publish', 'draft', 'active'],
			['pause', 'active', 'paused'],
			['update', null, null],
			['resume', 'paused', 'active'],
			['withdraw', 'active', 'withdrawn'],
		])
		expect(events.at(-1)?.note).toBe('资金已另行安排')
		expect(await outboxFor(ctx.db, id)).toHaveLength(7)

		// Withdrawn is terminal.
		const before = await snapshot(ctx.db, id)
		for (const action of ['publish', 'resume', 'pause'] as const) {
			const e = await appError(transitionOffer(ctx.db, id, { action }, p.owner, NOW))
			expect([e.code, e.message]).toEqual(['conflict', 'errors.offer_wrong_status'])
		}
		expect((await appError(transitionOffer(ctx.db, id, { action: 'withdraw', note: 'again' }, p.owner, NOW))).code).toBe('conflict')
		expect((await appError(updateOffer(ctx.db, id, offerInput(), p.owner, NOW))).code).toBe('conflict')
		expect(await snapshot(ctx.db, id)).toEqual(before)
	})

	it('keeps the category mask in step with the categories on create and update', async () => {
		const p = await provider(ctx.db, 'enterprise')
		const mask = async (id: string) => (await ctx.db.selectFrom('offer').select('categoryMask').where('id', '=', id).executeTakeFirstOrThrow()).categoryMask
		const { id } = await createOffer(ctx.db, p.orgId, offerInput(), p.admin, NOW)
		expect(Number(await mask(id))).toBe(categoryMask(['consumption', 'industry']))
		await updateOffer(ctx.db, id, offerInput({ categories: ['health', 'education'] }), p.admin, NOW)
		expect(Number(await mask(id))).toBe(CATEGORY_BITS.health | CATEGORY_BITS.education)
	})

	it('needs a note to withdraw, and withdraws a draft', async () => {
		const p = await provider(ctx.db, 'mass_org')
		const { id } = await createOffer(ctx.db, p.orgId, offerInput(), p.owner, NOW)
		const e = await appError(transitionOffer(ctx.db, id, { action: 'withdraw', note: '  ' }, p.owner, NOW))
		expect(e.fields).toEqual({ note: 'validation.required' })
		expect((await appError(transitionOffer(ctx.db, id, { action: 'delete' }, p.owner, NOW))).fields).toEqual({ action: 'validation.offer_action_invalid' })
		await transitionOffer(ctx.db, id, { action: 'withdraw', note: '不再需要' }, p.owner, NOW)
		expect((await listEvents(ctx.db, 'offer', id)).at(-1)).toMatchObject({ action: 'withdraw', fromState: 'draft', toState: 'withdrawn' })
	})

	it('refuses other orgs, suspended and unverified orgs, villages and governments, writing nothing', async () => {
		const p = await provider(ctx.db, 'enterprise', { regionCode: '330100000000' })
		const { id } = await createOffer(ctx.db, p.orgId, offerInput(), p.owner, NOW)
		await transitionOffer(ctx.db, id, { action: 'publish' }, p.owner, NOW)
		await transitionOffer(ctx.db, id, { action: 'pause' }, p.owner, NOW)
		const other = await provider(ctx.db, 'enterprise', { regionCode: '330100000000' })

		let before = await snapshot(ctx.db, id)
		const edit = await appError(updateOffer(ctx.db, id, offerInput({ title: '被别人改了' }), other.owner, NOW))
		expect([edit.code, edit.message]).toEqual(['forbidden', 'errors.forbidden'])
		expect((await appError(transitionOffer(ctx.db, id, { action: 'resume' }, other.owner, NOW))).code).toBe('forbidden')
		expect((await appError(transitionOffer(ctx.db, id, { action: 'withdraw', note: 'x' }, other.admin, NOW))).code).toBe('forbidden')
		expect((await appError(createOffer(ctx.db, p.orgId, offerInput(), other.owner, NOW))).code).toBe('forbidden')
		expect((await appError(transitionOffer(ctx.db, 'NOSUCHOFFER0000000000000000', { action: 'publish' }, p.owner, NOW))).code).toBe('not_found')
		expect((await appError(updateOffer(ctx.db, 'NOSUCHOFFER0000000000000000', offerInput(), p.owner, NOW))).code).toBe('not_found')
		expect((await appError(createOffer(ctx.db, 'NOSUCHORG00000000000000000', offerInput(), p.owner, NOW))).code).toBe('not_found')
		expect(await snapshot(ctx.db, id)).toEqual(before)

		// Suspend the provider: its own owner can no longer act, and the viewer sees no buttons.
		await ctx.db.updateTable('organization').set({ status: 'suspended' }).where('id', '=', p.orgId).execute()
		const suspendedOwner = await actorFor(ctx.db, p.owner.accountId)
		before = await snapshot(ctx.db, id)
		for (const attempt of [
			() => updateOffer(ctx.db, id, offerInput({ title: '停用后修改' }), suspendedOwner, NOW),
			() => transitionOffer(ctx.db, id, { action: 'resume' }, suspendedOwner, NOW),
			() => createOffer(ctx.db, p.orgId, offerInput(), suspendedOwner, NOW),
		]) {
			const e = await appError(attempt())
			expect([e.code, e.message]).toEqual(['forbidden', 'errors.org_not_verified'])
		}
		expect((await getOffer(ctx.db, id, suspendedOwner))?.viewer).toMatchObject({ canEdit: false, actions: [] })
		expect(await snapshot(ctx.db, id)).toEqual(before)

		const pending = await provider(ctx.db, 'social_org', { status: 'pending' })
		const village = await provider(ctx.db, 'village', { regionCode: '513431100202' })
		const government = await provider(ctx.db, 'government', { regionCode: '513431000000' })
		before = await snapshot(ctx.db)
		expect((await appError(createOffer(ctx.db, pending.orgId, offerInput(), pending.owner, NOW))).message).toBe('errors.org_not_verified')
		for (const org of [village, government]) {
			const e = await appError(createOffer(ctx.db, org.orgId, offerInput(), org.owner, NOW))
			expect([e.code, e.message]).toEqual(['forbidden', 'errors.org_cannot_offer'])
		}
		expect(await snapshot(ctx.db)).toEqual(before)
	})

	it('refuses bad input with a message naming the field, writing nothing', async () => {
		const p = await provider(ctx.db)
		const before = await snapshot(ctx.db)
		const fiftyOne = Array.from({ length: 51 }, (_, i) => `5134311002${String(i).padStart(2, '0')}`)
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ capacity: '0' }, { capacity: 'validation.must_be_positive' }],
			[{ capacity: '-5' }, { capacity: 'validation.must_be_positive' }],
			[{ capacity: '0.001' }, { capacity: 'validation.amount_decimals' }],
			[{ capacity: '10000000000.01' }, { capacity: 'validation.amount_too_large' }],
			[{ capacity: '99999999999999999999' }, { capacity: 'validation.amount_too_large' }],
			[{ capacity: '十万' }, { capacity: 'validation.number_format' }],
			[{ capacity: '' }, { capacity: 'validation.capacity_required' }],
			[{ measure: 'quantity', capacity: '200' }, { unit: 'validation.unit_required' }],
			[{ measure: 'quantity', unit: '人', capacity: '2.5' }, { capacity: 'validation.whole_number' }],
			[{ measure: 'quantity', unit: '人', capacity: '1000000000001' }, { capacity: 'validation.quantity_too_large' }],
			[{ measure: 'quantity', unit: '一二三四五六七八九十一二三四五六七', capacity: '3' }, { unit: 'validation.too_long|{"max":16}' }],
			[{ measure: 'weight' }, { measure: 'validation.measure_invalid' }],
			[{ categories: ['industry', 'astrology'] }, { categories: 'validation.category_invalid' }],
			[{ categories: [] }, { categories: 'validation.category_required' }],
			[{ coverage: 'regions' }, { regionCodes: 'validation.regions_required' }],
			[{ coverage: 'regions', regionCodes: ['513431000000', '999999000000'] }, { regionCodes: 'errors.regions_not_found|{"codes":"999999000000"}' }],
			[{ coverage: 'regions', regionCodes: ['51343'] }, { regionCodes: 'validation.region_codes_format|{"code":"51343"}' }],
			[{ coverage: 'regions', regionCodes: fiftyOne }, { regionCodes: 'validation.regions_too_many|{"max":50}' }],
			[{ coverage: 'galaxy' }, { coverage: 'validation.coverage_invalid' }],
			[{ title: '帮'.repeat(10_000) }, { title: 'validation.too_long|{"max":200}' }],
			[{ title: '   ' }, { title: 'validation.required' }],
			[{ description: 'x'.repeat(10_001) }, { description: 'validation.too_long|{"max":10000}' }],
			[{ validFrom: '2026-07-01', validUntil: '2026-06-30' }, { validUntil: 'validation.date_order' }],
			[{ validFrom: '2026-01-01', validUntil: '2026-06-14' }, { validUntil: 'errors.date_in_past' }],
			[{ validUntil: '2026-02-30' }, { validUntil: 'validation.date_format' }],
			[{ validFrom: '15/06/2026' }, { validFrom: 'validation.date_format' }],
		]
		for (const [overrides, fields] of cases) {
			const e = await appError(createOffer(ctx.db, p.orgId, offerInput(overrides), p.owner, NOW))
			expect([e.code, e.fields, overrides]).toEqual(['invalid', fields, overrides])
		}
		expect(await snapshot(ctx.db)).toEqual(before)

		// The same checks guard edits, and the row stays as it was.
		const { id } = await createOffer(ctx.db, p.orgId, offerInput(), p.owner, NOW)
		const saved = await snapshot(ctx.db, id)
		const e = await appError(updateOffer(ctx.db, id, offerInput({ coverage: 'regions', regionCodes: ['888888000000'] }), p.owner, NOW))
		expect(e.fields).toEqual({ regionCodes: 'errors.regions_not_found|{"codes":"888888000000"}' })
		expect(await snapshot(ctx.db, id)).toEqual(saved)
	})

	it('stores HTML and script as typed, and quantities with their unit', async () => {
		const p = await provider(ctx.db)
		const title = '<script>alert("x")</script> 培训 & <b>技能</b>'
		const { id } = await createOffer(ctx.db, p.orgId, offerInput({ title, description: '<img src=x onerror=alert(1)>', measure: 'quantity', unit: '人次', capacity: '300' }), p.owner, NOW)
		const offer = await getOffer(ctx.db, id, p.owner)
		expect(offer).toMatchObject({ title, description: '<img src=x onerror=alert(1)>', measure: 'quantity', unit: '人次', capacity: 300, remaining: 300 })
	})

	it('publishes and resumes only within the validity window', async () => {
		const p = await provider(ctx.db)
		const { id } = await createOffer(ctx.db, p.orgId, offerInput({ validUntil: '2026-06-20' }), p.owner, NOW)
		const later = NOW + 10 * DAY
		const before = await snapshot(ctx.db, id)
		const e = await appError(transitionOffer(ctx.db, id, { action: 'publish' }, p.owner, later))
		expect([e.code, e.message]).toEqual(['conflict', 'errors.offer_window_ended'])
		expect(await snapshot(ctx.db, id)).toEqual(before)
		// The last day itself is still valid.
		await transitionOffer(ctx.db, id, { action: 'publish' }, p.owner, parseChinaDate('2026-06-20') as number)
	})

	it('resolves coverage: nationwide, listed regions, and the provider’s pairings', async () => {
		const admin = await actorFor(ctx.db, (await makeAccount(ctx.db, { isNationalAdmin: true })).id)

		const unit = await provider(ctx.db, 'central_unit')
		const nationwide = await createOffer(ctx.db, unit.orgId, offerInput(), unit.owner, NOW)
		expect(await listCoveredRegionCodes(ctx.db, nationwide.id)).toEqual([])
		const listed = await createOffer(ctx.db, unit.orgId, offerInput({ coverage: 'regions', regionCodes: ['513432100201', '330000000000', '513432100201'] }), unit.owner, NOW)
		expect(await listCoveredRegionCodes(ctx.db, listed.id)).toEqual(['330000000000', '513432100201'])
		expect(await listCoveredRegionCodes(ctx.db, 'NOSUCHOFFER0000000000000000')).toBeUndefined()

		// 定点帮扶: the unit's counties.
		const targeted = await createOffer(ctx.db, unit.orgId, offerInput({ coverage: 'pairings' }), unit.owner, NOW)
		expect(await listCoveredRegionCodes(ctx.db, targeted.id)).toBeNull()
		const refused = await appError(transitionOffer(ctx.db, targeted.id, { action: 'publish' }, unit.owner, NOW))
		expect([refused.code, refused.message]).toEqual(['conflict', 'errors.offer_no_pairings'])
		expect((await ctx.db.selectFrom('offer').select('status').where('id', '=', targeted.id).executeTakeFirstOrThrow()).status).toBe('draft')
		expect((await listEvents(ctx.db, 'offer', targeted.id)).map((e) => e.action)).toEqual(['create'])
		const zhaojue = await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit.orgId, recipientRegionCode: '513431000000', startedYear: 2021 }, admin)
		await createPairing(ctx.db, { kind: 'targeted', providerOrgId: unit.orgId, recipientRegionCode: '513432000000', startedYear: 2021 }, admin)
		expect(await listCoveredRegionCodes(ctx.db, targeted.id)).toEqual(['513431000000', '513432000000'])
		await transitionOffer(ctx.db, targeted.id, { action: 'publish' }, unit.owner, NOW)
		expect((await getOffer(ctx.db, targeted.id, null))?.regions.map((r) => r.name)).toEqual(['四川省 凉山彝族自治州 昭觉县', '四川省 凉山彝族自治州 喜德县'])
		await endPairing(ctx.db, zhaojue.id, admin)
		expect(await listCoveredRegionCodes(ctx.db, targeted.id)).toEqual(['513432000000'])

		// 结对帮扶: an enterprise's villages.
		const ent = await provider(ctx.db, 'enterprise', { regionCode: '330100000000' })
		await createPairing(ctx.db, { kind: 'twinning', providerOrgId: ent.orgId, recipientRegionCode: '513431100201', startedYear: 2022 }, admin)
		const twinned = await createOffer(ctx.db, ent.orgId, offerInput({ coverage: 'pairings' }), ent.owner, NOW)
		expect(await listCoveredRegionCodes(ctx.db, twinned.id)).toEqual(['513431100201'])

		// 东西部协作: pairings whose eastern side is the partner's own region, and only for East–West partners.
		const zhejiang = await provider(ctx.db, 'east_west_partner', { regionCode: '330000000000' })
		await createPairing(ctx.db, { kind: 'east_west', providerRegionCode: '330000000000', recipientRegionCode: '510000000000', startedYear: 2021 }, admin)
		const eastWest = await createOffer(ctx.db, zhejiang.orgId, offerInput({ coverage: 'pairings' }), zhejiang.owner, NOW)
		expect(await listCoveredRegionCodes(ctx.db, eastWest.id)).toEqual(['510000000000'])
		const zhejiangSocial = await provider(ctx.db, 'social_org', { regionCode: '330000000000' })
		const notPartner = await createOffer(ctx.db, zhejiangSocial.orgId, offerInput({ coverage: 'pairings' }), zhejiangSocial.owner, NOW)
		expect(await listCoveredRegionCodes(ctx.db, notPartner.id)).toBeNull()
		expect(await getOffer(ctx.db, notPartner.id, zhejiangSocial.owner)).toMatchObject({ regions: [], coversNowhere: true })
	})

	it('expires active and paused offers after their last valid day', async () => {
		const p = await provider(ctx.db)
		const make = async (validUntil: string) => (await createOffer(ctx.db, p.orgId, offerInput({ validFrom: '2026-06-01', validUntil }), p.owner, NOW)).id
		const [active, paused, draft, lastDay] = [await make('2026-06-16'), await make('2026-06-17'), await make('2026-06-16'), await make('2026-06-18')]
		for (const id of [active, paused, lastDay]) await transitionOffer(ctx.db, id, { action: 'publish' }, p.owner, NOW)
		await transitionOffer(ctx.db, paused, { action: 'pause' }, p.owner, NOW)
		const outboxBefore = await countRows(ctx.db, 'searchOutbox')

		// 2026-06-18 10:00 China time: the 16th and 17th have passed, the 18th has not.
		const run = Date.UTC(2026, 5, 18, 2)
		expect(await expireOffers(ctx.db, run)).toBe(2)
		const statuses = await ctx.db.selectFrom('offer').select(['id', 'status']).where('id', 'in', [active, paused, draft, lastDay]).execute()
		expect(Object.fromEntries(statuses.map((r) => [r.id, r.status]))).toEqual({ [active]: 'expired', [paused]: 'expired', [draft]: 'draft', [lastDay]: 'active' })
		expect((await listEvents(ctx.db, 'offer', paused)).at(-1)).toMatchObject({ action: 'expire', fromState: 'paused', toState: 'expired', actorName: null })
		expect(await countRows(ctx.db, 'searchOutbox')).toBe(outboxBefore + 2)
		expect(await expireOffers(ctx.db, run)).toBe(0)
		// Expired is terminal for the status buttons.
		expect((await appError(transitionOffer(ctx.db, active, { action: 'resume' }, p.owner, run))).code).toBe('conflict')
	})
})
