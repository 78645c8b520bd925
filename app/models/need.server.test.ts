import { beforeAll, describe, expect, it } from 'vitest'
import type { MemberRole } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { MAX_TARGET } from './marketplace-vocab.ts'
import { needFormValues } from './need.schema.ts'
import { chinaDayStart, formatChinaDate, parseChinaDate } from '#app/utils/china-date.ts'
import { fenToYuan, yuanToFen } from '#app/utils/money.ts'
import {
	cancelNeed,
	closeNeed,
	countNeedsAwaitingReview,
	createNeed,
	expireNeeds,
	getNeed,
	listNeedEvents,
	listNeedsForVillageOrg,
	listReviewQueue,
	markNeedDuplicate,
	needExpiryGraceDays,
	reconfirmNeed,
	reviewNeed,
	submitNeed,
	updateNeed,
} from './need.server.ts'
import type { Actor } from './policy.server.ts'

const DAY = 86_400_000

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

/** The China date `days` from now, as the form sends it. */
function dateIn(days: number, now = Date.now()): string {
	return formatChinaDate(chinaDayStart(now) + days * DAY)
}

function needInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		title: '三河村花椒烘干设备',
		description: '购置两台烘干机，带动 120 户增收。',
		category: 'industry',
		measure: 'amount',
		amount: '120000',
		beneficiaries: '120',
		urgency: 'high',
		neededBy: dateIn(60),
		...overrides,
	}
}

describe('need form helpers', () => {
	it('converts yuan to fen without floating point and dates to China midnight', () => {
		expect(yuanToFen('1234.5')).toBe(123450)
		expect(yuanToFen('0.01')).toBe(1)
		expect(yuanToFen('19.99')).toBe(1999)
		expect(yuanToFen('1.234')).toBeUndefined()
		expect(yuanToFen('1e3')).toBeUndefined()
		expect(fenToYuan(123450)).toBe('1234.5')
		expect(fenToYuan(7)).toBe('0.07')
		// 2026-03-01 00:00 in Beijing is 2026-02-28 16:00 UTC.
		expect(parseChinaDate('2026-03-01')).toBe(Date.UTC(2026, 1, 28, 16))
		expect(parseChinaDate('2026-02-30')).toBeUndefined()
		expect(parseChinaDate('2026-3-1')).toBeUndefined()
		expect(formatChinaDate(Date.UTC(2026, 1, 28, 16))).toBe('2026-03-01')
		// 23:30 UTC on 28 Feb is already 1 March in China.
		expect(chinaDayStart(Date.UTC(2026, 1, 28, 23, 30))).toBe(Date.UTC(2026, 1, 28, 16))
	})
})

describeDb('needs', (ctx) => {
	type World = {
		villageA: string
		villageB: string
		pendingVillage: string
		govOrg: string
		owner: Actor
		admin: Actor
		member: Actor
		ownerB: Actor
		pendingOwner: Actor
		stranger: Actor
		township: Actor
		otherTownship: Actor
		county: Actor
		prefecture: Actor
		otherCounty: Actor
		nationalAdmin: Actor
	}
	const w = {} as World

	async function addMembership(orgId: string, role: MemberRole) {
		const account = await makeAccount(ctx.db)
		await ctx.db.insertInto('membership').values({ orgId, accountId: account.id, role, createdAt: Date.now() }).execute()
		return actorFor(ctx.db, account.id)
	}

	beforeAll(async () => {
		const db = ctx.db
		await seedRegions(db)
		const ownerAccount = await makeAccount(db, { displayName: '三河村书记' })
		w.villageA = await makeOrg(db, 'village', { regionCode: '513431100201', ownerId: ownerAccount.id, name: '三河村村民委员会' })
		w.owner = await actorFor(db, ownerAccount.id)
		w.admin = await addMembership(w.villageA, 'admin')
		w.member = await addMembership(w.villageA, 'member')
		const ownerB = await makeAccount(db)
		w.villageB = await makeOrg(db, 'village', { regionCode: '513431101201', ownerId: ownerB.id, name: '谷曲村村民委员会' })
		w.ownerB = await actorFor(db, ownerB.id)
		const pendingOwner = await makeAccount(db)
		w.pendingVillage = await makeOrg(db, 'village', { regionCode: '513431100202', ownerId: pendingOwner.id, status: 'pending' })
		w.pendingOwner = await actorFor(db, pendingOwner.id)
		w.stranger = await actorFor(db, (await makeAccount(db)).id)
		w.township = await makeOfficial(db, '513431100000')
		w.govOrg = w.township.memberships[0].orgId
		w.otherTownship = await makeOfficial(db, '513431101000')
		w.county = await makeOfficial(db, '513431000000')
		w.prefecture = await makeOfficial(db, '513400000000')
		w.otherCounty = await makeOfficial(db, '513432000000')
		w.nationalAdmin = await actorFor(db, (await makeAccount(db, { isNationalAdmin: true, displayName: '国家管理员' })).id)
	})

	async function needRow(id: string) {
		return ctx.db.selectFrom('need').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
	}
	async function eventCount(id: string) {
		const row = await ctx.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).where('entityType', '=', 'need').where('entityId', '=', id).executeTakeFirstOrThrow()
		return Number(row.n)
	}
	async function outboxCount(id: string) {
		const row = await ctx.db.selectFrom('searchOutbox').select((eb) => eb.fn.countAll<number>().as('n')).where('entityType', '=', 'need').where('entityId', '=', id).executeTakeFirstOrThrow()
		return Number(row.n)
	}
	/** Runs `p`, expects an AppError, and checks that nothing about the need changed. */
	async function refusedWithoutWrites(id: string, p: () => Promise<unknown>): Promise<AppError> {
		const [before, events, outbox] = [await needRow(id), await eventCount(id), await outboxCount(id)]
		const e = await appError(p())
		expect(await needRow(id)).toEqual(before)
		expect(await eventCount(id)).toBe(events)
		expect(await outboxCount(id)).toBe(outbox)
		return e
	}
	async function draft(overrides: Record<string, unknown> = {}, actor = w.member, org = w.villageA) {
		return (await createNeed(ctx.db, org, needInput(overrides), actor)).id
	}
	async function published(overrides: Record<string, unknown> = {}) {
		const id = await draft(overrides)
		await submitNeed(ctx.db, id, w.owner)
		await reviewNeed(ctx.db, id, { decision: 'publish' }, w.township)
		return id
	}

	it('creates a draft in fen at China midnight, keeps HTML as typed, and records event and outbox', async () => {
		const now = Date.now()
		const { id } = await createNeed(
			ctx.db,
			w.villageA,
			needInput({ title: '  <script>alert(1)</script> 修路  ', amount: '1234.5', neededBy: dateIn(0, now), description: '<b>急</b>' }),
			w.member,
			now,
		)
		const row = await needRow(id)
		expect(row).toMatchObject({
			villageOrgId: w.villageA,
			villageCode: '513431100201',
			title: '<script>alert(1)</script> 修路',
			description: '<b>急</b>',
			measure: 'amount',
			unit: null,
			target: 123450,
			beneficiaries: 120,
			status: 'draft',
			neededBy: chinaDayStart(now),
			createdBy: w.member.accountId,
		})
		const events = await ctx.db.selectFrom('event').selectAll().where('entityId', '=', id).execute()
		expect(events).toMatchObject([{ entityType: 'need', action: 'create', fromState: null, toState: 'draft', actorAccountId: w.member.accountId, actorOrgId: w.villageA }])
		expect(await outboxCount(id)).toBe(1)
		expect(needFormValues(row)).toMatchObject({ amount: '1234.5', quantity: '', neededBy: dateIn(0, now) })
	})

	it('stores a quantity with its unit; the amount measure drops any unit', async () => {
		const q = await draft({ measure: 'quantity', quantity: '30', unit: '人', amount: undefined, category: 'talent', beneficiaries: '' })
		expect(await needRow(q)).toMatchObject({ measure: 'quantity', target: 30, unit: '人', beneficiaries: 0, category: 'talent' })
		const omitted = await draft({ beneficiaries: undefined, description: undefined })
		expect(await needRow(omitted)).toMatchObject({ beneficiaries: 0, description: '' })
		const a = await draft({ unit: '吨', amount: String(MAX_TARGET / 100) })
		expect(await needRow(a)).toMatchObject({ measure: 'amount', target: MAX_TARGET, unit: null })
	})

	it('rejects bad input with field-named errors and writes nothing', async () => {
		const before = [await countRows(ctx.db, 'need'), await countRows(ctx.db, 'event'), await countRows(ctx.db, 'searchOutbox')]
		const quantity = { measure: 'quantity', amount: undefined, quantity: '5', unit: '人' }
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ title: 'x'.repeat(10_000) }, { title: 'validation.too_long|{"max":200}' }],
			[{ title: 'x'.repeat(201) }, { title: 'validation.too_long|{"max":200}' }],
			[{ title: '   ' }, { title: 'validation.required' }],
			[{ description: 'x'.repeat(10_001) }, { description: 'validation.too_long|{"max":10000}' }],
			[{ category: 'tourism' }, { category: 'validation.category_invalid' }],
			[{ measure: 'weight' }, { measure: 'validation.measure_invalid' }],
			[{ amount: '12.345' }, { amount: 'validation.amount_format' }],
			[{ amount: '-5' }, { amount: 'validation.amount_format' }],
			[{ amount: '1e6' }, { amount: 'validation.amount_format' }],
			[{ amount: '0' }, { amount: 'validation.must_be_positive' }],
			[{ amount: '0.00' }, { amount: 'validation.must_be_positive' }],
			[{ amount: '10000000000.01' }, { amount: 'validation.amount_too_large' }],
			[{ amount: '' }, { amount: 'validation.required' }],
			[{ amount: undefined }, { amount: 'validation.required' }],
			[{ ...quantity, quantity: '1.5' }, { quantity: 'validation.whole_number' }],
			[{ ...quantity, quantity: '0' }, { quantity: 'validation.must_be_positive' }],
			[{ ...quantity, quantity: String(MAX_TARGET + 1) }, { quantity: 'validation.quantity_too_large' }],
			[{ ...quantity, unit: undefined }, { unit: 'validation.required' }],
			[{ ...quantity, unit: '单'.repeat(17) }, { unit: 'validation.too_long|{"max":16}' }],
			[{ beneficiaries: '-1' }, { beneficiaries: 'validation.whole_number' }],
			[{ beneficiaries: 2.5 }, { beneficiaries: 'validation.whole_number' }],
			[{ beneficiaries: true }, { beneficiaries: 'validation.whole_number' }],
			[{ amount: 12.5, title: 42 }, { title: 'validation.required' }],
			[{ beneficiaries: '100000001' }, { beneficiaries: 'validation.beneficiaries_too_large' }],
			[{ urgency: 'asap' }, { urgency: 'validation.urgency_invalid' }],
			[{ neededBy: '2026-02-30' }, { neededBy: 'validation.date_format' }],
			[{ neededBy: '明天' }, { neededBy: 'validation.date_format' }],
			[{ neededBy: dateIn(-1) }, { neededBy: 'validation.date_in_past' }],
			[{ neededBy: undefined }, { neededBy: 'validation.required' }],
			[
				{ title: '', amount: 'abc', urgency: 'x' },
				{ title: 'validation.required', amount: 'validation.amount_format', urgency: 'validation.urgency_invalid' },
			],
		]
		for (const [overrides, fields] of cases) {
			const e = await appError(createNeed(ctx.db, w.villageA, needInput(overrides), w.owner))
			expect(e.code, JSON.stringify(overrides).slice(0, 80)).toBe('invalid')
			expect(e.fields, JSON.stringify(overrides).slice(0, 80)).toEqual(fields)
		}
		expect([await countRows(ctx.db, 'need'), await countRows(ctx.db, 'event'), await countRows(ctx.db, 'searchOutbox')]).toEqual(before)
	})

	it('creates only for a verified village the actor belongs to', async () => {
		const before = await countRows(ctx.db, 'need')
		expect((await appError(createNeed(ctx.db, w.villageA, needInput(), w.stranger))).message).toBe('errors.need_not_village_member')
		expect((await appError(createNeed(ctx.db, w.villageA, needInput(), w.ownerB))).message).toBe('errors.need_not_village_member')
		expect((await appError(createNeed(ctx.db, w.pendingVillage, needInput(), w.pendingOwner))).message).toBe('errors.org_not_verified')
		const gov = await appError(createNeed(ctx.db, w.govOrg, needInput(), w.township))
		expect([gov.code, gov.message]).toEqual(['forbidden', 'errors.need_org_not_village'])
		expect((await appError(createNeed(ctx.db, 'NOPE', needInput(), w.owner))).code).toBe('not_found')
		expect(await countRows(ctx.db, 'need')).toBe(before)
	})

	it('lets members edit drafts; another village, or a submitted need, is refused without writes', async () => {
		const id = await draft()
		await updateNeed(ctx.db, id, needInput({ title: '改过的标题', measure: 'quantity', quantity: '8', unit: '台' }), w.member)
		expect(await needRow(id)).toMatchObject({ title: '改过的标题', measure: 'quantity', target: 8, unit: '台', status: 'draft' })

		const other = await refusedWithoutWrites(id, () => updateNeed(ctx.db, id, needInput({ title: '别村改的' }), w.ownerB))
		expect([other.code, other.message]).toEqual(['forbidden', 'errors.need_not_village_member'])
		const official = await refusedWithoutWrites(id, () => updateNeed(ctx.db, id, needInput(), w.township))
		expect(official.code).toBe('forbidden')
		const bad = await refusedWithoutWrites(id, () => updateNeed(ctx.db, id, needInput({ title: 'x'.repeat(10_000) }), w.member))
		expect(bad.fields).toEqual({ title: 'validation.too_long|{"max":200}' })

		await submitNeed(ctx.db, id, w.admin)
		const locked = await refusedWithoutWrites(id, () => updateNeed(ctx.db, id, needInput(), w.member))
		expect([locked.code, locked.message]).toEqual(['conflict', 'errors.need_not_editable'])
		expect((await appError(updateNeed(ctx.db, 'NOPE', needInput(), w.member))).code).toBe('not_found')
	})

	it('submit: owner or admin only, from draft or returned, not with a passed needed-by date', async () => {
		const now = Date.now()
		const id = await draft({ neededBy: dateIn(1, now) })
		const plain = await refusedWithoutWrites(id, () => submitNeed(ctx.db, id, w.member))
		expect([plain.code, plain.message]).toEqual(['forbidden', 'errors.not_org_admin'])
		expect((await refusedWithoutWrites(id, () => submitNeed(ctx.db, id, w.ownerB))).message).toBe('errors.need_not_village_member')
		// Two days later the needed-by date has passed: the village must pick a new date first.
		const late = await refusedWithoutWrites(id, () => submitNeed(ctx.db, id, w.owner, now + 2 * DAY))
		expect([late.code, late.fields]).toEqual(['invalid', { neededBy: 'validation.date_in_past' }])

		expect(await submitNeed(ctx.db, id, w.admin, now)).toEqual({ from: 'draft', status: 'submitted' })
		expect(await needRow(id)).toMatchObject({ status: 'submitted', submittedAt: now })
		const twice = await refusedWithoutWrites(id, () => submitNeed(ctx.db, id, w.owner))
		expect([twice.code, twice.message]).toEqual(['conflict', 'errors.need_not_submittable'])
	})

	it('review: township or county of the village, or a national admin; others refused without writes', async () => {
		const id = await draft()
		const early = await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'publish' }, w.township))
		expect([early.code, early.message]).toEqual(['conflict', 'errors.need_not_submitted'])
		await submitNeed(ctx.db, id, w.owner)

		const outside = await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'publish' }, w.otherTownship))
		expect([outside.code, outside.message]).toEqual(['forbidden', 'errors.outside_jurisdiction'])
		expect((await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'publish' }, w.otherCounty))).message).toBe('errors.outside_jurisdiction')
		// The prefecture covers the village but does not review needs.
		expect((await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'publish' }, w.prefecture))).message).toBe('errors.need_review_level')
		expect((await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'publish' }, w.owner))).code).toBe('forbidden')
		const noReason = await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'return', reason: ' ' }, w.county))
		expect(noReason.fields).toEqual({ reason: 'validation.required' })
		expect((await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'approve' }, w.county))).fields).toEqual({ decision: 'validation.decision_invalid' })

		// Returned → edited → resubmitted → published.
		await reviewNeed(ctx.db, id, { decision: 'return', reason: '请补充受益户名单' }, w.county)
		expect(await needRow(id)).toMatchObject({ status: 'returned', statusNote: '请补充受益户名单', reviewedBy: w.county.accountId })
		await updateNeed(ctx.db, id, needInput({ beneficiaries: '130' }), w.member)
		await submitNeed(ctx.db, id, w.owner)
		const now = Date.now()
		await reviewNeed(ctx.db, id, { decision: 'publish', note: '同意' }, w.township, now)
		expect(await needRow(id)).toMatchObject({ status: 'published', publishedAt: now, reviewedAt: now, reviewedBy: w.township.accountId, beneficiaries: 130 })
		const again = await refusedWithoutWrites(id, () => reviewNeed(ctx.db, id, { decision: 'reject', reason: 'x' }, w.township))
		expect(again.message).toBe('errors.need_not_submitted')

		const timeline = await listNeedEvents(ctx.db, id, null)
		expect(timeline.map((e) => [e.action, e.fromState, e.toState, e.note])).toEqual([
			['create', null, 'draft', ''],
			['submit', 'draft', 'submitted', ''],
			['return', 'submitted', 'returned', '请补充受益户名单'],
			['update', 'returned', 'returned', ''],
			['submit', 'returned', 'submitted', ''],
			['publish', 'submitted', 'published', '同意'],
		])
		const publishEvent = await ctx.db.selectFrom('event').selectAll().where('entityId', '=', id).where('action', '=', 'publish').executeTakeFirstOrThrow()
		expect(publishEvent).toMatchObject({ actorAccountId: w.township.accountId, actorOrgId: w.govOrg })
	})

	it('reject is final; a national admin may review anywhere', async () => {
		const id = await draft()
		await submitNeed(ctx.db, id, w.owner)
		await reviewNeed(ctx.db, id, { decision: 'reject', reason: '不属于帮扶范围' }, w.county)
		expect(await needRow(id)).toMatchObject({ status: 'rejected', statusNote: '不属于帮扶范围' })
		expect((await appError(submitNeed(ctx.db, id, w.owner))).code).toBe('conflict')
		expect((await appError(cancelNeed(ctx.db, id, { reason: 'x' }, w.owner))).message).toBe('errors.need_not_cancellable')

		const b = await draft({}, w.ownerB, w.villageB)
		await submitNeed(ctx.db, b, w.ownerB)
		await reviewNeed(ctx.db, b, { decision: 'publish' }, w.nationalAdmin)
		expect((await needRow(b)).status).toBe('published')
	})

	it('a transition leaves a search outbox row for the need', async () => {
		const id = await draft()
		const before = await outboxCount(id)
		await submitNeed(ctx.db, id, w.owner)
		expect(await outboxCount(id)).toBe(before + 1)
		await reviewNeed(ctx.db, id, { decision: 'publish' }, w.township)
		expect(await outboxCount(id)).toBe(before + 2)
	})

	it('close: village owner/admin or a reviewing official, from published, with a note', async () => {
		const id = await published()
		expect((await refusedWithoutWrites(id, () => closeNeed(ctx.db, id, { note: '' }, w.owner))).fields).toEqual({ note: 'validation.required' })
		expect((await refusedWithoutWrites(id, () => closeNeed(ctx.db, id, { note: '已解决' }, w.member))).message).toBe('errors.not_org_admin')
		expect((await refusedWithoutWrites(id, () => closeNeed(ctx.db, id, { note: '已解决' }, w.otherTownship))).message).toBe('errors.outside_jurisdiction')
		expect((await refusedWithoutWrites(id, () => closeNeed(ctx.db, id, { note: '已解决' }, w.stranger))).code).toBe('forbidden')
		const now = Date.now()
		await closeNeed(ctx.db, id, { note: '县里统筹解决' }, w.county, now)
		expect(await needRow(id)).toMatchObject({ status: 'closed', closedAt: now, statusNote: '县里统筹解决' })

		const other = await published()
		await closeNeed(ctx.db, other, { note: '已自筹解决' }, w.admin)
		expect((await needRow(other)).status).toBe('closed')
		const d = await draft()
		expect((await refusedWithoutWrites(d, () => closeNeed(ctx.db, d, { note: 'x' }, w.owner))).message).toBe('errors.need_not_published')
	})

	it('cancel: the village (owner/admin) from draft, submitted, returned or published, with a reason', async () => {
		const d = await draft()
		expect((await refusedWithoutWrites(d, () => cancelNeed(ctx.db, d, {}, w.owner))).fields).toEqual({ reason: 'validation.required' })
		expect((await refusedWithoutWrites(d, () => cancelNeed(ctx.db, d, { reason: '重复录入' }, w.member))).message).toBe('errors.not_org_admin')
		expect((await refusedWithoutWrites(d, () => cancelNeed(ctx.db, d, { reason: 'x' }, w.township))).code).toBe('forbidden')
		await cancelNeed(ctx.db, d, { reason: '重复录入' }, w.owner)
		expect(await needRow(d)).toMatchObject({ status: 'cancelled', statusNote: '重复录入' })
		expect((await refusedWithoutWrites(d, () => cancelNeed(ctx.db, d, { reason: 'again' }, w.owner))).message).toBe('errors.need_not_cancellable')

		const s = await draft()
		await submitNeed(ctx.db, s, w.owner)
		await cancelNeed(ctx.db, s, { reason: '已有其他渠道解决' }, w.admin)
		const r = await draft()
		await submitNeed(ctx.db, r, w.owner)
		await reviewNeed(ctx.db, r, { decision: 'return', reason: '补充材料' }, w.township)
		await cancelNeed(ctx.db, r, { reason: '不再需要' }, w.owner)
		const p = await published()
		await cancelNeed(ctx.db, p, { reason: '村集体自筹' }, w.owner)
		for (const id of [s, r, p]) expect((await needRow(id)).status).toBe('cancelled')
		const events = await ctx.db.selectFrom('event').select(['fromState', 'toState']).where('entityId', 'in', [s, r, p]).where('action', '=', 'cancel').orderBy('id').execute()
		expect(events).toEqual([
			{ fromState: 'submitted', toState: 'cancelled' },
			{ fromState: 'returned', toState: 'cancelled' },
			{ fromState: 'published', toState: 'cancelled' },
		])
	})

	it('expires published needs after the needed-by day and the grace period; the village reconfirms', async () => {
		const t0 = Date.now()
		const id = await published({ neededBy: dateIn(10, t0) })
		const neededBy = (await needRow(id)).neededBy
		// Another published need with a later date is untouched.
		const later = await published({ neededBy: dateIn(40, t0) })
		const dueAt = neededBy + 15 * DAY // the needed-by day itself + 14 grace days
		expect(await expireNeeds(ctx.db, dueAt - 1, { graceDays: 14 })).toBe(0)
		expect((await needRow(id)).status).toBe('published')
		const outbox = await outboxCount(id)
		expect(await expireNeeds(ctx.db, dueAt, { graceDays: 14 })).toBe(1)
		expect(await needRow(id)).toMatchObject({ status: 'expired', updatedAt: dueAt })
		expect((await needRow(later)).status).toBe('published')
		expect(await outboxCount(id)).toBe(outbox + 1)
		const expireEvent = await ctx.db.selectFrom('event').selectAll().where('entityId', '=', id).where('action', '=', 'expire').executeTakeFirstOrThrow()
		expect(expireEvent).toMatchObject({ fromState: 'published', toState: 'expired', actorAccountId: null })
		// Running again finds nothing new.
		expect(await expireNeeds(ctx.db, dueAt, { graceDays: 14 })).toBe(0)

		// Reconfirm: owner/admin, a date after today.
		expect((await refusedWithoutWrites(id, () => reconfirmNeed(ctx.db, id, { neededBy: dateIn(0, dueAt) }, w.owner, dueAt))).fields).toEqual({
			neededBy: 'validation.date_not_future',
		})
		expect((await refusedWithoutWrites(id, () => reconfirmNeed(ctx.db, id, { neededBy: dateIn(30, dueAt) }, w.member, dueAt))).message).toBe('errors.not_org_admin')
		expect((await refusedWithoutWrites(id, () => reconfirmNeed(ctx.db, id, { neededBy: dateIn(30, dueAt) }, w.ownerB, dueAt))).code).toBe('forbidden')
		await reconfirmNeed(ctx.db, id, { neededBy: dateIn(30, dueAt) }, w.admin, dueAt)
		expect(await needRow(id)).toMatchObject({ status: 'published', neededBy: chinaDayStart(dueAt) + 30 * DAY })
		// A published need may be reconfirmed with a new date too; a draft may not.
		await reconfirmNeed(ctx.db, later, { neededBy: dateIn(90, t0) }, w.owner, t0)
		expect((await needRow(later)).neededBy).toBe(chinaDayStart(t0) + 90 * DAY)
		const d = await draft()
		expect((await refusedWithoutWrites(d, () => reconfirmNeed(ctx.db, d, { neededBy: dateIn(30) }, w.owner))).message).toBe('errors.need_not_reconfirmable')
		const events = await listNeedEvents(ctx.db, id, w.owner)
		expect(events.slice(-2).map((e) => [e.action, e.fromState, e.toState])).toEqual([
			['expire', 'published', 'expired'],
			['reconfirm', 'expired', 'published'],
		])
	})

	it('reads the grace period from NEED_EXPIRY_GRACE_DAYS, default 14', () => {
		expect(needExpiryGraceDays({})).toBe(14)
		expect(needExpiryGraceDays({ NEED_EXPIRY_GRACE_DAYS: '3' })).toBe(3)
		expect(needExpiryGraceDays({ NEED_EXPIRY_GRACE_DAYS: 'soon' })).toBe(14)
	})

	it('marks a duplicate: an official of the jurisdiction, another existing need, linked and kept', async () => {
		const original = await published()
		const copy = await draft({ title: '花椒烘干设备（重复）' })
		await submitNeed(ctx.db, copy, w.owner)
		expect((await refusedWithoutWrites(copy, () => markNeedDuplicate(ctx.db, copy, { duplicateOf: original }, w.owner))).code).toBe('forbidden')
		expect((await refusedWithoutWrites(copy, () => markNeedDuplicate(ctx.db, copy, { duplicateOf: original }, w.otherTownship))).message).toBe('errors.outside_jurisdiction')
		expect((await refusedWithoutWrites(copy, () => markNeedDuplicate(ctx.db, copy, { duplicateOf: copy }, w.township))).fields).toEqual({ duplicateOf: 'errors.need_duplicate_self' })
		expect((await refusedWithoutWrites(copy, () => markNeedDuplicate(ctx.db, copy, { duplicateOf: 'NOPE' }, w.township))).fields).toEqual({
			duplicateOf: 'errors.need_duplicate_target_not_found',
		})
		expect((await refusedWithoutWrites(copy, () => markNeedDuplicate(ctx.db, copy, { duplicateOf: '' }, w.township))).fields).toEqual({ duplicateOf: 'validation.required' })
		const aDraft = await draft()
		expect((await refusedWithoutWrites(copy, () => markNeedDuplicate(ctx.db, copy, { duplicateOf: aDraft }, w.township))).fields).toEqual({
			duplicateOf: 'errors.need_duplicate_target_invalid',
		})

		await markNeedDuplicate(ctx.db, copy, { duplicateOf: original, note: '与已发布需求相同' }, w.township)
		expect(await needRow(copy)).toMatchObject({ status: 'duplicate', duplicateOf: original, statusNote: '与已发布需求相同' })
		const page = await getNeed(ctx.db, copy, null)
		expect(page?.duplicateOfNeed).toMatchObject({ id: original, status: 'published' })
		// A draft is not a candidate for marking.
		expect((await refusedWithoutWrites(aDraft, () => markNeedDuplicate(ctx.db, aDraft, { duplicateOf: original }, w.county))).message).toBe('errors.need_not_duplicable')
	})

	it('a suspended village can do nothing', async () => {
		const ownerAccount = await makeAccount(ctx.db)
		const orgId = await makeOrg(ctx.db, 'village', { regionCode: '513432100201', ownerId: ownerAccount.id })
		const owner = await actorFor(ctx.db, ownerAccount.id)
		const id = await draft({}, owner, orgId)
		await ctx.db.updateTable('organization').set({ status: 'suspended' }).where('id', '=', orgId).execute()
		// The actor was loaded while the org was verified: the where reads membership and status afresh.
		expect((await refusedWithoutWrites(id, () => submitNeed(ctx.db, id, owner))).message).toBe('errors.org_not_verified')
		expect((await refusedWithoutWrites(id, () => updateNeed(ctx.db, id, needInput(), owner))).message).toBe('errors.org_not_verified')
	})

	it('getNeed: unpublished needs for the village and its officials only; public ones for everyone', async () => {
		const id = await draft()
		for (const viewer of [null, w.stranger, w.ownerB, w.otherTownship, w.otherCounty]) expect(await getNeed(ctx.db, id, viewer)).toBeUndefined()
		for (const viewer of [w.member, w.township, w.county, w.prefecture, w.nationalAdmin]) expect((await getNeed(ctx.db, id, viewer))?.id).toBe(id)
		expect((await appError(listNeedEvents(ctx.db, id, w.stranger))).code).toBe('not_found')

		const mine = await getNeed(ctx.db, id, w.member)
		expect(mine).toMatchObject({
			villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
			orgName: '三河村村民委员会',
			photos: [],
			progress: { committed: 0, delivered: 0, verified: 0, coverage: 'none', delivery: 'none' },
			viewer: { isMember: true, canEdit: true, canSubmit: false, canReview: false, canAddPhoto: true },
		})
		expect((await getNeed(ctx.db, id, w.owner))?.viewer).toMatchObject({ canSubmit: true, canCancel: true })

		await submitNeed(ctx.db, id, w.owner)
		expect((await getNeed(ctx.db, id, w.township))?.viewer).toMatchObject({ canReview: true, canMarkDuplicate: true, canEdit: false })
		expect((await getNeed(ctx.db, id, w.prefecture))?.viewer).toMatchObject({ canReview: false })
		await reviewNeed(ctx.db, id, { decision: 'publish' }, w.township)
		const anonymous = await getNeed(ctx.db, id, null)
		expect(anonymous?.status).toBe('published')
		expect(anonymous?.viewer).toMatchObject({ isMember: false, canEdit: false, canClose: false })
		expect(await getNeed(ctx.db, 'NOPE', w.owner)).toBeUndefined()
	})

	it('lists a village org’s needs by visibility, and the review queue by jurisdiction, oldest first', async () => {
		const draftId = await draft()
		const pub = await published()
		const mine = (await listNeedsForVillageOrg(ctx.db, w.villageA, w.member)).map((n) => n.id)
		expect(mine).toEqual(expect.arrayContaining([draftId, pub]))
		const publicList = await listNeedsForVillageOrg(ctx.db, w.villageA, null)
		expect(publicList.map((n) => n.id)).toContain(pub)
		expect(publicList.map((n) => n.id)).not.toContain(draftId)
		expect(publicList.every((n) => ['published', 'closed', 'expired', 'cancelled', 'duplicate'].includes(n.status))).toBe(true)

		const first = await draft({ title: '第一条' })
		const second = await draft({ title: '第二条' }, w.ownerB, w.villageB)
		const third = await draft({ title: '第三条' })
		const t = Date.now()
		await submitNeed(ctx.db, first, w.owner, t)
		await submitNeed(ctx.db, second, w.ownerB, t + 1)
		await submitNeed(ctx.db, third, w.owner, t + 2)

		const township = await listReviewQueue(ctx.db, w.township)
		const townshipIds = township.rows.map((r) => r.id)
		expect(townshipIds.indexOf(first)).toBeLessThan(townshipIds.indexOf(third))
		expect(townshipIds).not.toContain(second)
		expect(township.total).toBe(township.rows.length)
		expect(township.rows.every((r) => r.status === 'submitted' && r.villageCode.startsWith('513431100'))).toBe(true)
		expect(township.rows.find((r) => r.id === first)).toMatchObject({ photoCount: 0, orgName: '三河村村民委员会', villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村' })
		expect(await countNeedsAwaitingReview(ctx.db, w.township)).toBe(township.total)

		const county = await listReviewQueue(ctx.db, w.county)
		expect(county.rows.map((r) => r.id)).toEqual(expect.arrayContaining([first, second, third]))
		expect(await countNeedsAwaitingReview(ctx.db, w.otherTownship)).toBe((await listReviewQueue(ctx.db, w.otherTownship)).total)
		expect((await listReviewQueue(ctx.db, w.otherTownship)).rows.map((r) => r.id)).toContain(second)
		expect(await countNeedsAwaitingReview(ctx.db, w.prefecture)).toBe(0)
		expect(await countNeedsAwaitingReview(ctx.db, w.otherCounty)).toBe(0)
		expect(await countNeedsAwaitingReview(ctx.db, w.stranger)).toBe(0)
		expect(await countNeedsAwaitingReview(ctx.db, w.nationalAdmin)).toBeGreaterThanOrEqual(county.total)
	})
})
