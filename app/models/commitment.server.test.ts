import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type KyselyPlugin, type PluginTransformQueryArgs, type PluginTransformResultArgs, type QueryResult, type RootOperationNode, type UnknownRow, sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MemberRole, OrgKind } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { sniffEvidenceType } from '#app/utils/file-type.ts'
import { loadSearchDocuments } from '#app/search/documents.server.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { listNeedsByIds, listOffersByIds } from './browse.server.ts'
import { commitmentSchema, formatFigure } from './commitment.schema.ts'
import {
	acceptCommitment,
	addMilestone,
	commitmentLapseDays,
	confirmDelivery,
	confirmMilestone,
	createCommitment,
	declineCommitment,
	disputeCommitment,
	getCommitment,
	giveFeedback,
	isMysql,
	lapseCommitments,
	listCommitmentEvents,
	listCommitmentsForNeed,
	listCommitmentsForOrg,
	lockForUpdate,
	postCommitmentUpdate,
	startDelivery,
	verifyCommitment,
	withdrawCommitment,
} from './commitment.server.ts'
import { cancelNeed, createNeed, getNeed, reviewNeed, submitNeed } from './need.server.ts'
import { createOffer, getOffer, transitionOffer, updateOffer } from './offer.server.ts'
import type { Actor } from './policy.server.ts'
import { MAX_EVIDENCE_BYTES, getUpload } from './upload.server.ts'

const DAY = 86_400_000

// A real 1×1 PNG; a JPEG's JFIF header and end marker; the start of a PDF.
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))
const JPEG = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9])
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const TEXT = new TextEncoder().encode('收据.pdf 其实只是文本')

/** Fails every insert into `upload`, as a broken database would. */
class FailUploadInsert implements KyselyPlugin {
	transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
		const node = args.node
		if (node.kind === 'InsertQueryNode' && node.into?.table.identifier.name === 'upload') throw new Error('simulated insert failure')
		return node
	}
	async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
		return args.result
	}
}

async function appError(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

function dateIn(days: number, now = Date.now()): string {
	return formatChinaDate(chinaDayStart(now) + days * DAY)
}

describe('commitment forms (pure)', () => {
	it('parses amounts in the need measure, dates not in the past, and an optional idempotency key', () => {
		const now = Date.UTC(2026, 5, 15, 4)
		const money = commitmentSchema({ measure: 'amount', now: () => now })
		expect(money.parse({ providerOrgId: 'P', amount: '1,234.5', dueAt: '2026-06-15' })).toEqual({
			providerOrgId: 'P',
			amount: 123450,
			dueAt: Date.UTC(2026, 5, 14, 16),
			message: '',
			offerId: null,
			idempotencyKey: null,
		})
		const fields = (r: ReturnType<typeof money.safeParse>) => Object.fromEntries((r.error?.issues ?? []).map((i) => [i.path.join('.'), i.message]))
		expect(fields(money.safeParse({ amount: '0', dueAt: '2026-06-14', message: 'x'.repeat(2001), idempotencyKey: 'a b' }))).toEqual({
			providerOrgId: 'validation.commitment_org_required',
			amount: 'validation.must_be_positive',
			dueAt: 'validation.date_in_past',
			message: 'validation.too_long|{"max":2000}',
			idempotencyKey: 'validation.idempotency_key_invalid',
		})
		expect(fields(money.safeParse({ providerOrgId: 'P', amount: '1.234', dueAt: '2026-02-30' }))).toEqual({ amount: 'validation.amount_decimals', dueAt: 'validation.date_format' })
		const quantity = commitmentSchema({ measure: 'quantity', now: () => now })
		expect(quantity.parse({ providerOrgId: 'P', amount: '30', dueAt: '2026-07-01' }).amount).toBe(30)
		expect(fields(quantity.safeParse({ providerOrgId: 'P', amount: '1.5', dueAt: '2026-07-01' }))).toEqual({ amount: 'validation.whole_number' })
		expect(formatFigure('amount', 120_000, null)).toBe('¥1,200')
		expect(formatFigure('amount', 123_450, null)).toBe('¥1,234.50')
		expect(formatFigure('quantity', 1200, '人')).toBe('1,200 人')
	})

	it('reads COMMITMENT_LAPSE_DAYS', () => {
		expect(commitmentLapseDays({})).toBe(14)
		expect(commitmentLapseDays({ COMMITMENT_LAPSE_DAYS: '7' })).toBe(7)
		expect(commitmentLapseDays({ COMMITMENT_LAPSE_DAYS: '0' })).toBe(14)
		expect(commitmentLapseDays({ COMMITMENT_LAPSE_DAYS: 'x' })).toBe(14)
	})

	it('knows evidence by its bytes: photos and PDFs only', () => {
		expect(sniffEvidenceType(PNG)).toEqual({ contentType: 'image/png', extension: 'png', kind: 'photo' })
		expect(sniffEvidenceType(JPEG)?.kind).toBe('photo')
		expect(sniffEvidenceType(PDF)).toEqual({ contentType: 'application/pdf', extension: 'pdf', kind: 'document' })
		expect(sniffEvidenceType(TEXT)).toBeUndefined()
		expect(sniffEvidenceType(new TextEncoder().encode('%PD'))).toBeUndefined()
	})
})

describeDb('commitments', (ctx) => {
	type World = {
		villageA: string
		villageB: string
		vOwner: Actor
		vAdmin: Actor
		vMember: Actor
		vOwnerB: Actor
		p1: string
		pOwner: Actor
		pAdmin: Actor
		pMember: Actor
		p2: string
		dual: Actor
		p3: string
		p3Owner: Actor
		pendingProvider: string
		pendingOwner: Actor
		stranger: Actor
		township: Actor
		otherTownship: Actor
		county: Actor
		prefecture: Actor
		nationalAdmin: Actor
	}
	const w = {} as World
	let dir: string

	async function member(orgId: string, role: MemberRole, accountId?: string) {
		const id = accountId ?? (await makeAccount(ctx.db)).id
		await ctx.db.insertInto('membership').values({ orgId, accountId: id, role, createdAt: Date.now() }).execute()
		return actorFor(ctx.db, id)
	}
	async function owner(kind: OrgKind, options: { regionCode?: string; status?: 'verified' | 'pending'; name?: string } = {}) {
		const account = await makeAccount(ctx.db)
		const orgId = await makeOrg(ctx.db, kind, { ownerId: account.id, ...options })
		return { orgId, actor: await actorFor(ctx.db, account.id) }
	}

	beforeAll(async () => {
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-evidence-'))
		const db = ctx.db
		await seedRegions(db)
		const a = await owner('village', { regionCode: '513431100201', name: '三河村村民委员会' })
		w.villageA = a.orgId
		w.vOwner = a.actor
		w.vAdmin = await member(w.villageA, 'admin')
		w.vMember = await member(w.villageA, 'member')
		const b = await owner('village', { regionCode: '513431101201' })
		w.villageB = b.orgId
		w.vOwnerB = b.actor
		const p1 = await owner('central_unit', { name: '国家帮扶单位甲' })
		w.p1 = p1.orgId
		w.pOwner = p1.actor
		w.pAdmin = await member(w.p1, 'admin')
		w.pMember = await member(w.p1, 'member')
		const p2 = await owner('enterprise', { name: '双重身份企业' })
		w.p2 = p2.orgId
		// The owner of an enterprise who is also a member of village A.
		w.dual = await member(w.villageA, 'member', p2.actor.accountId)
		const p3 = await owner('social_org', { name: '乡村基金会' })
		w.p3 = p3.orgId
		w.p3Owner = p3.actor
		const pending = await owner('mass_org', { status: 'pending' })
		w.pendingProvider = pending.orgId
		w.pendingOwner = pending.actor
		w.stranger = await actorFor(db, (await makeAccount(db)).id)
		w.township = await makeOfficial(db, '513431100000')
		w.otherTownship = await makeOfficial(db, '513431101000')
		w.county = await makeOfficial(db, '513431000000')
		w.prefecture = await makeOfficial(db, '513400000000')
		w.nationalAdmin = await actorFor(db, (await makeAccount(db, { isNationalAdmin: true })).id)
	})
	afterAll(() => {
		fs.rmSync(dir, { recursive: true, force: true })
	})

	async function publishedNeed(overrides: Record<string, unknown> = {}) {
		const { id } = await createNeed(
			ctx.db,
			w.villageA,
			{ title: '三河村花椒烘干设备', description: '购置烘干机', category: 'industry', measure: 'amount', amount: '1000', beneficiaries: '50', urgency: 'high', neededBy: dateIn(60), ...overrides },
			w.vMember,
		)
		await submitNeed(ctx.db, id, w.vOwner)
		await reviewNeed(ctx.db, id, { decision: 'publish' }, w.township)
		return id
	}
	function pledgeInput(overrides: Record<string, unknown> = {}) {
		return { providerOrgId: w.p1, amount: '100', dueAt: dateIn(30), message: '分两批交付', ...overrides }
	}
	async function pledge(needId: string, overrides: Record<string, unknown> = {}, actor = w.pOwner, now = Date.now()) {
		const providerOrgId = actor === w.p3Owner ? w.p3 : w.p1
		return (await createCommitment(ctx.db, needId, pledgeInput({ providerOrgId, ...overrides }), actor, now)).id
	}
	async function accepted(needId: string, overrides: Record<string, unknown> = {}) {
		const id = await pledge(needId, overrides)
		await acceptCommitment(ctx.db, id, w.vOwner)
		return id
	}
	async function activeOffer(overrides: Record<string, unknown> = {}, actor = w.pOwner, orgId = w.p1) {
		const { id } = await createOffer(
			ctx.db,
			orgId,
			{ title: '产业帮扶资金', description: '支持村级产业', categories: ['industry', 'consumption'], measure: 'amount', capacity: '500', coverage: 'nationwide', validFrom: dateIn(-1), validUntil: dateIn(180), ...overrides },
			actor,
		)
		await transitionOffer(ctx.db, id, { action: 'publish' }, actor)
		return id
	}
	async function row(id: string) {
		return ctx.db.selectFrom('commitment').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
	}
	async function snapshot(ids: { commitment?: string; need?: string } = {}) {
		const tables = ['commitment', 'event', 'searchOutbox', 'notification', 'commitmentMilestone', 'commitmentUpdate', 'commitmentFeedback', 'upload', 'need'] as const
		const counts: Record<string, number> = {}
		for (const t of tables) counts[t] = await countRows(ctx.db, t)
		return {
			counts,
			commitment: ids.commitment ? await row(ids.commitment) : undefined,
			need: ids.need ? await ctx.db.selectFrom('need').selectAll().where('id', '=', ids.need).executeTakeFirstOrThrow() : undefined,
			milestones: ids.commitment ? await ctx.db.selectFrom('commitmentMilestone').selectAll().where('commitmentId', '=', ids.commitment).orderBy('id').execute() : undefined,
		}
	}
	/** Runs `p`, expects an AppError, and checks nothing was written anywhere. */
	async function refused(p: () => Promise<unknown>, ids: { commitment?: string; need?: string } = {}): Promise<AppError> {
		const before = await snapshot(ids)
		const e = await appError(p())
		expect(await snapshot(ids)).toEqual(before)
		return e
	}
	async function notified(commitmentId: string, kind: string) {
		const rows = await ctx.db.selectFrom('notification').select('accountId').where('entityId', '=', commitmentId).where('kind', '=', kind).execute()
		return rows.map((r) => r.accountId).sort()
	}
	const accounts = (...actors: Actor[]) => actors.map((a) => a.accountId).sort()
	async function events(id: string) {
		return ctx.db.selectFrom('event').select(['action', 'fromState', 'toState', 'note', 'actorAccountId', 'actorOrgId']).where('entityType', '=', 'commitment').where('entityId', '=', id).orderBy('id').execute()
	}
	async function outbox(entityId: string) {
		const r = await ctx.db.selectFrom('searchOutbox').select((eb) => eb.fn.countAll<number>().as('n')).where('entityId', '=', entityId).executeTakeFirstOrThrow()
		return Number(r.n)
	}

	it('lockForUpdate adds FOR UPDATE on MySQL only, and serialises a read-modify-write on both dialects', async () => {
		const needId = await publishedNeed()
		const compiled = lockForUpdate(ctx.db.selectFrom('need').select('id').where('id', '=', needId), ctx.db).compile().sql
		expect(isMysql(ctx.db)).toBe(ctx.dialect === 'mysql')
		expect(/for update/i.test(compiled)).toBe(ctx.dialect === 'mysql')
		// Two increments of beneficiaries, each read under the lock, then written: none is lost.
		const bump = () =>
			ctx.db.transaction().execute(async (trx) => {
				const need = await lockForUpdate(trx.selectFrom('need').select('beneficiaries').where('id', '=', needId), trx).executeTakeFirstOrThrow()
				await new Promise((r) => setTimeout(r, 30))
				await trx.updateTable('need').set({ beneficiaries: Number(need.beneficiaries) + 1 }).where('id', '=', needId).execute()
			})
		await Promise.all([bump(), bump(), bump()])
		expect((await ctx.db.selectFrom('need').select('beneficiaries').where('id', '=', needId).executeTakeFirstOrThrow()).beneficiaries).toBe(53)
	})

	it('pledges: the row in fen, event, outbox for the need, the village told; nothing counts yet', async () => {
		const needId = await publishedNeed({ amount: '5000' })
		const now = Date.now()
		const outboxBefore = await outbox(needId)
		const result = await createCommitment(ctx.db, needId, pledgeInput({ amount: '1,234.5', dueAt: dateIn(90, now) }), w.pAdmin, now)
		expect(result).toMatchObject({ status: 'pledged', replayed: false })
		expect(await row(result.id)).toMatchObject({
			needId,
			offerId: null,
			providerOrgId: w.p1,
			villageOrgId: w.villageA,
			villageCode: '513431100201',
			amount: 123450,
			deliveredAmount: null,
			status: 'pledged',
			message: '分两批交付',
			dueAt: chinaDayStart(now) + 90 * DAY,
			lapseAt: now + 14 * DAY,
			idempotencyKey: null,
			createdBy: w.pAdmin.accountId,
		})
		expect(await events(result.id)).toEqual([{ action: 'create', fromState: null, toState: 'pledged', note: '', actorAccountId: w.pAdmin.accountId, actorOrgId: w.p1 }])
		expect(await outbox(needId)).toBe(outboxBefore + 1)
		// Every member of the village (the dual member too), nobody from the provider.
		expect(await notified(result.id, 'commitment_new')).toEqual(accounts(w.vOwner, w.vAdmin, w.vMember, w.dual))
		const params = await ctx.db.selectFrom('notification').select('params').where('entityId', '=', result.id).executeTakeFirstOrThrow()
		expect(JSON.parse(params.params)).toEqual({ title: '三河村花椒烘干设备', amount: '¥1,234.50', provider: '国家帮扶单位甲', village: '三河村村民委员会' })
		expect((await getNeed(ctx.db, needId, null))?.progress).toEqual({ committed: 0, delivered: 0, verified: 0, coverage: 'none', delivery: 'none', helpers: [] })
		expect((await getNeed(ctx.db, needId, w.pOwner))?.viewer.canCommit).toBe(true)
		expect((await getNeed(ctx.db, needId, w.dual))?.viewer.canCommit).toBe(false)
	})

	it('refuses bad input with field-named errors and writes nothing', async () => {
		const needId = await publishedNeed()
		const cases: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ amount: '0' }, { amount: 'validation.must_be_positive' }],
			[{ amount: '-5' }, { amount: 'validation.must_be_positive' }],
			[{ amount: '1.234' }, { amount: 'validation.amount_decimals' }],
			[{ amount: '' }, { amount: 'validation.required' }],
			[{ dueAt: dateIn(-1) }, { dueAt: 'validation.date_in_past' }],
			[{ dueAt: '下周' }, { dueAt: 'validation.date_format' }],
			[{ message: 'x'.repeat(2001) }, { message: 'validation.too_long|{"max":2000}' }],
			[{ providerOrgId: '' }, { providerOrgId: 'validation.commitment_org_required' }],
			[{ idempotencyKey: '<script>' }, { idempotencyKey: 'validation.idempotency_key_invalid' }],
		]
		for (const [overrides, fields] of cases) {
			const e = await refused(() => createCommitment(ctx.db, needId, pledgeInput(overrides), w.pOwner), { need: needId })
			expect([e.code, e.fields], JSON.stringify(overrides).slice(0, 60)).toEqual(['invalid', fields])
		}
		const quantityNeed = await publishedNeed({ measure: 'quantity', amount: undefined, quantity: '30', unit: '人', category: 'talent' })
		const e = await refused(() => createCommitment(ctx.db, quantityNeed, pledgeInput({ amount: '2.5' }), w.pOwner))
		expect(e.fields).toEqual({ amount: 'validation.whole_number' })
	})

	it('refuses pledges from non-providers, non-managers, the village itself and to needs not open', async () => {
		const needId = await publishedNeed()
		const cases: Array<[Actor, Record<string, unknown>, string, string]> = [
			// A village org is not a provider, even for its own need.
			[w.vOwner, { providerOrgId: w.villageA }, 'forbidden', 'errors.commitment_org_not_provider'],
			// An enterprise owner who is also a member of the village.
			[w.dual, { providerOrgId: w.p2 }, 'forbidden', 'errors.commitment_own_village'],
			[w.pMember, {}, 'forbidden', 'errors.not_org_admin'],
			[w.stranger, {}, 'forbidden', 'errors.commitment_not_provider'],
			[w.pendingOwner, { providerOrgId: w.pendingProvider }, 'forbidden', 'errors.org_not_verified'],
			[w.township, { providerOrgId: w.township.memberships[0].orgId }, 'forbidden', 'errors.commitment_org_not_provider'],
			[w.pOwner, { providerOrgId: 'NOPE' }, 'invalid', 'errors.invalid'],
		]
		for (const [actor, overrides, code, message] of cases) {
			const e = await refused(() => createCommitment(ctx.db, needId, pledgeInput(overrides), actor), { need: needId })
			expect([e.code, e.message], message).toEqual([code, message])
		}
		// A draft is not visible to providers; a cancelled need is visible but closed to pledges.
		const { id: draft } = await createNeed(ctx.db, w.villageA, { title: '草稿', category: 'industry', measure: 'amount', amount: '100', urgency: 'low', neededBy: dateIn(30) }, w.vMember)
		expect((await refused(() => createCommitment(ctx.db, draft, pledgeInput(), w.pOwner))).code).toBe('not_found')
		await cancelNeed(ctx.db, needId, { reason: '已由县里解决' }, w.vOwner)
		const closed = await refused(() => createCommitment(ctx.db, needId, pledgeInput(), w.pOwner), { need: needId })
		expect([closed.code, closed.message]).toEqual(['conflict', 'errors.commitment_need_not_open'])
	})

	it('refuses a pledge beyond the remaining gap, naming what remains', async () => {
		const needId = await publishedNeed({ amount: '1000' })
		await accepted(needId, { amount: '600' })
		// A pledge does not count: two more ¥400 pledges are both fine.
		await pledge(needId, { amount: '400' })
		await pledge(needId, { amount: '400' }, w.p3Owner)
		const e = await refused(() => createCommitment(ctx.db, needId, pledgeInput({ amount: '400.01' }), w.pOwner), { need: needId })
		expect([e.code, e.fields]).toEqual(['invalid', { amount: 'errors.commit_exceeds_gap|{"remaining":"¥400"}' }])
		const q = await publishedNeed({ measure: 'quantity', amount: undefined, quantity: '1200', unit: '人', category: 'talent' })
		const eq = await refused(() => createCommitment(ctx.db, q, pledgeInput({ amount: '1201' }), w.pOwner))
		expect(eq.fields).toEqual({ amount: 'errors.commit_exceeds_gap|{"remaining":"1,200 人"}' })
	})

	it('checks the offer a pledge draws on, and its remaining capacity', async () => {
		const needId = await publishedNeed({ amount: '5000' })
		const offer = await activeOffer({ capacity: '500' })
		const id = await pledge(needId, { amount: '300', offerId: offer })
		expect((await row(id)).offerId).toBe(offer)
		expect(await outbox(offer)).toBeGreaterThan(0)
		await acceptCommitment(ctx.db, id, w.vOwner)
		const e = await refused(() => createCommitment(ctx.db, needId, pledgeInput({ amount: '201', offerId: offer }), w.pOwner))
		expect(e.fields).toEqual({ amount: 'errors.commit_exceeds_capacity|{"remaining":"¥200"}' })

		const otherProvider = await activeOffer({}, w.p3Owner, w.p3)
		const paused = await activeOffer()
		await transitionOffer(ctx.db, paused, { action: 'pause' }, w.pOwner)
		const quantity = await activeOffer({ measure: 'quantity', unit: '人', capacity: '10' })
		const health = await activeOffer({ categories: ['health'] })
		const elsewhere = await activeOffer({ coverage: 'regions', regionCodes: '513432000000' })
		const county = await activeOffer({ coverage: 'regions', regionCodes: '513431000000' })
		const later = await activeOffer({ validFrom: dateIn(10) })
		const cases: Array<[string, string]> = [
			['NOPE', 'errors.commitment_offer_not_found'],
			[otherProvider, 'errors.commitment_offer_not_found'],
			[paused, 'errors.commitment_offer_not_active'],
			[quantity, 'errors.commitment_offer_measure'],
			[health, 'errors.commitment_offer_category'],
			[elsewhere, 'errors.commitment_offer_coverage'],
			[later, 'errors.commitment_offer_window'],
		]
		for (const [offerId, message] of cases) {
			const err = await refused(() => createCommitment(ctx.db, needId, pledgeInput({ offerId }), w.pOwner))
			expect(err.fields, message).toEqual({ offerId: message })
		}
		// An offer covering the village's county fits.
		expect((await row(await pledge(needId, { offerId: county }))).offerId).toBe(county)
	})

	it('a double-submitted form (same idempotency key) makes one commitment and writes nothing the second time', async () => {
		const needId = await publishedNeed()
		const first = await createCommitment(ctx.db, needId, pledgeInput({ idempotencyKey: 'form-abc_123' }), w.pOwner)
		const before = await snapshot()
		const second = await createCommitment(ctx.db, needId, pledgeInput({ idempotencyKey: 'form-abc_123', amount: '999' }), w.pOwner)
		expect(second).toEqual({ id: first.id, status: 'pledged', replayed: true })
		expect(await snapshot()).toEqual(before)
		// Both submissions at once: still one row.
		const twins = await Promise.all([1, 2, 3].map(() => createCommitment(ctx.db, needId, pledgeInput({ idempotencyKey: 'twin-key' }), w.pOwner)))
		expect(new Set(twins.map((t) => t.id)).size).toBe(1)
		expect(twins.filter((t) => !t.replayed)).toHaveLength(1)
		// The same key from another account is another form.
		const other = await createCommitment(ctx.db, needId, pledgeInput({ idempotencyKey: 'form-abc_123' }), w.pAdmin)
		expect(other.id).not.toBe(first.id)
		const rows = await ctx.db.selectFrom('commitment').select('id').where('needId', '=', needId).execute()
		expect(rows).toHaveLength(3)
	})

	it('accepting: only the village owner/admin, once, within the gap and the offer capacity; the provider is told', async () => {
		const needId = await publishedNeed({ amount: '1000' })
		const id = await pledge(needId, { amount: '600' })
		expect((await refused(() => acceptCommitment(ctx.db, id, w.vOwnerB), { commitment: id })).code).toBe('not_found')
		expect((await refused(() => acceptCommitment(ctx.db, id, w.stranger), { commitment: id })).code).toBe('not_found')
		const m = await refused(() => acceptCommitment(ctx.db, id, w.vMember), { commitment: id })
		expect([m.code, m.message]).toEqual(['forbidden', 'errors.not_org_admin'])
		const p = await refused(() => acceptCommitment(ctx.db, id, w.pOwner), { commitment: id })
		expect([p.code, p.message]).toEqual(['forbidden', 'errors.commitment_not_village'])
		const t = await refused(() => acceptCommitment(ctx.db, id, w.township), { commitment: id })
		expect([t.code, t.message]).toEqual(['forbidden', 'errors.commitment_not_village'])

		expect(await acceptCommitment(ctx.db, id, w.vAdmin)).toEqual({ from: 'pledged', status: 'accepted' })
		expect(await row(id)).toMatchObject({ status: 'accepted', acceptedAt: expect.any(Number) })
		expect((await events(id)).at(-1)).toMatchObject({ action: 'accept', fromState: 'pledged', toState: 'accepted', actorAccountId: w.vAdmin.accountId, actorOrgId: w.villageA })
		expect(await notified(id, 'commitment_accepted')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember))
		const again = await refused(() => acceptCommitment(ctx.db, id, w.vOwner), { commitment: id })
		expect([again.code, again.message]).toEqual(['conflict', 'errors.commitment_not_pledged'])

		// Two pledges that each fit alone: the second acceptance would pass the target.
		const a = await pledge(needId, { amount: '300' })
		const b = await pledge(needId, { amount: '300' }, w.p3Owner)
		await acceptCommitment(ctx.db, a, w.vOwner)
		const over = await refused(() => acceptCommitment(ctx.db, b, w.vOwner), { commitment: b, need: needId })
		expect([over.code, over.message]).toEqual(['conflict', 'errors.commit_exceeds_gap|{"remaining":"¥100"}'])

		// The offer's capacity, across two needs.
		const offer = await activeOffer({ capacity: '500' })
		const n1 = await publishedNeed({ amount: '5000' })
		const n2 = await publishedNeed({ amount: '5000' })
		const c1 = await pledge(n1, { amount: '300', offerId: offer })
		const c2 = await pledge(n2, { amount: '300', offerId: offer })
		await acceptCommitment(ctx.db, c1, w.vOwner)
		const full = await refused(() => acceptCommitment(ctx.db, c2, w.vOwner), { commitment: c2 })
		expect([full.code, full.message]).toEqual(['conflict', 'errors.commit_exceeds_capacity|{"remaining":"¥200"}'])
		expect(await getOffer(ctx.db, offer, null)).toMatchObject({ capacityUsed: 30000, remaining: 20000, exhausted: false, displayStatus: 'active' })

		// A need that stopped being published takes no acceptances.
		const n3 = await publishedNeed()
		const c3 = await pledge(n3)
		await cancelNeed(ctx.db, n3, { reason: '不再需要' }, w.vOwner)
		const closed = await refused(() => acceptCommitment(ctx.db, c3, w.vOwner), { commitment: c3 })
		expect([closed.code, closed.message]).toEqual(['conflict', 'errors.commitment_need_not_open'])
	})

	it('declining and withdrawing need a reason; withdrawal frees an accepted amount', async () => {
		const needId = await publishedNeed({ amount: '1000' })
		const a = await pledge(needId, { amount: '400' })
		expect((await refused(() => declineCommitment(ctx.db, a, { reason: ' ' }, w.vOwner), { commitment: a })).fields).toEqual({ reason: 'validation.required' })
		const byProvider = await refused(() => declineCommitment(ctx.db, a, { reason: '不合适' }, w.pOwner), { commitment: a })
		expect(byProvider.message).toBe('errors.commitment_not_village')
		expect(await declineCommitment(ctx.db, a, { reason: '已有其他单位承担' }, w.vOwner)).toEqual({ from: 'pledged', status: 'declined' })
		expect(await row(a)).toMatchObject({ status: 'declined', statusReason: '已有其他单位承担' })
		expect(await notified(a, 'commitment_declined')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember))
		expect((await refused(() => acceptCommitment(ctx.db, a, w.vOwner), { commitment: a })).message).toBe('errors.commitment_not_pledged')

		const b = await accepted(needId, { amount: '1000' })
		expect((await getNeed(ctx.db, needId, null))?.progress).toMatchObject({ committed: 100000, coverage: 'full' })
		expect((await refused(() => withdrawCommitment(ctx.db, b, {}, w.pOwner), { commitment: b })).fields).toEqual({ reason: 'validation.required' })
		expect((await refused(() => withdrawCommitment(ctx.db, b, { reason: '预算调整' }, w.vOwner), { commitment: b })).message).toBe('errors.commitment_not_provider')
		expect((await refused(() => withdrawCommitment(ctx.db, b, { reason: '预算调整' }, w.pMember), { commitment: b })).message).toBe('errors.not_org_admin')
		await startDelivery(ctx.db, b, w.pOwner)
		expect(await withdrawCommitment(ctx.db, b, { reason: '预算调整' }, w.pOwner)).toEqual({ from: 'in_delivery', status: 'withdrawn' })
		expect(await notified(b, 'commitment_withdrawn')).toEqual(accounts(w.vOwner, w.vAdmin, w.vMember, w.dual))
		expect((await getNeed(ctx.db, needId, null))?.progress).toMatchObject({ committed: 0, coverage: 'none' })
		// The freed amount can be committed again.
		await accepted(needId, { amount: '1000' })
	})

	it('refuses transitions out of order with a clear conflict, writing nothing', async () => {
		const needId = await publishedNeed()
		const id = await pledge(needId)
		const cases: Array<[() => Promise<unknown>, string]> = [
			[() => startDelivery(ctx.db, id, w.pOwner), 'errors.commitment_not_accepted'],
			[() => confirmDelivery(ctx.db, id, { deliveredAmount: '100' }, w.vOwner), 'errors.commitment_not_in_delivery'],
			[() => verifyCommitment(ctx.db, id, {}, w.township), 'errors.commitment_not_delivered'],
			[() => disputeCommitment(ctx.db, id, { reason: '材料不全' }, w.township), 'errors.commitment_not_delivered'],
			[() => giveFeedback(ctx.db, id, { side: 'village', rating: 5 }, w.vOwner), 'errors.commitment_not_verified'],
			[() => addMilestone(ctx.db, id, { title: '第一批', dueAt: dateIn(10), share: '50' }, w.pOwner), 'errors.commitment_milestones_locked'],
		]
		for (const [run, message] of cases) {
			const e = await refused(run, { commitment: id })
			expect([e.code, e.message]).toEqual(['conflict', message])
		}
		await acceptCommitment(ctx.db, id, w.vOwner)
		await startDelivery(ctx.db, id, w.pOwner)
		expect((await refused(() => startDelivery(ctx.db, id, w.pOwner), { commitment: id })).message).toBe('errors.commitment_not_accepted')
		await confirmDelivery(ctx.db, id, { deliveredAmount: '100' }, w.vOwner)
		expect((await refused(() => withdrawCommitment(ctx.db, id, { reason: '晚了' }, w.pOwner), { commitment: id })).message).toBe('errors.commitment_not_withdrawable')
		expect((await refused(() => confirmDelivery(ctx.db, id, { deliveredAmount: '100' }, w.vOwner), { commitment: id })).message).toBe('errors.commitment_not_in_delivery')
	})

	it('runs the whole lifecycle: delivery, dispute, re-confirmation, verification in the jurisdiction, feedback and close', async () => {
		const needId = await publishedNeed({ amount: '1000' })
		const id = await accepted(needId, { amount: '800' })
		await startDelivery(ctx.db, id, w.pAdmin)
		expect(await row(id)).toMatchObject({ status: 'in_delivery', deliveryStartedAt: expect.any(Number) })

		const tooMuch = await refused(() => confirmDelivery(ctx.db, id, { deliveredAmount: '800.01' }, w.vOwner), { commitment: id })
		expect([tooMuch.code, tooMuch.fields]).toEqual(['invalid', { deliveredAmount: 'errors.delivered_exceeds_amount|{"amount":"¥800"}' }])
		expect((await refused(() => confirmDelivery(ctx.db, id, { deliveredAmount: '0' }, w.vOwner), { commitment: id })).fields).toEqual({ deliveredAmount: 'validation.must_be_positive' })
		expect((await refused(() => confirmDelivery(ctx.db, id, { deliveredAmount: '500' }, w.pOwner), { commitment: id })).message).toBe('errors.commitment_not_village')
		expect(await confirmDelivery(ctx.db, id, { deliveredAmount: '500' }, w.vOwner)).toEqual({ from: 'in_delivery', status: 'delivered' })
		expect(await row(id)).toMatchObject({ status: 'delivered', deliveredAmount: 50000 })
		expect(await notified(id, 'commitment_delivered')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember))
		expect((await getNeed(ctx.db, needId, null))?.progress).toMatchObject({ committed: 80000, delivered: 50000, verified: 0, coverage: 'partial', delivery: 'none' })

		// Outside the jurisdiction: not even visible. Covering but above county: may see, not verify.
		expect((await refused(() => verifyCommitment(ctx.db, id, {}, w.otherTownship), { commitment: id })).code).toBe('not_found')
		const high = await refused(() => verifyCommitment(ctx.db, id, {}, w.prefecture), { commitment: id })
		expect([high.code, high.message]).toEqual(['forbidden', 'errors.commitment_verify_level'])
		expect((await refused(() => verifyCommitment(ctx.db, id, {}, w.vOwner), { commitment: id })).message).toBe('errors.outside_jurisdiction')
		expect((await refused(() => disputeCommitment(ctx.db, id, { reason: '' }, w.township), { commitment: id })).fields).toEqual({ reason: 'validation.required' })

		expect(await disputeCommitment(ctx.db, id, { reason: '缺少收据' }, w.township)).toEqual({ from: 'delivered', status: 'disputed' })
		expect(await row(id)).toMatchObject({ status: 'disputed', statusReason: '缺少收据' })
		expect(await notified(id, 'commitment_disputed')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember, w.vOwner, w.vAdmin, w.vMember, w.dual))
		expect((await getNeed(ctx.db, needId, null))?.progress).toMatchObject({ delivered: 50000, verified: 0 })
		// The village confirms again, with the full amount now.
		expect(await confirmDelivery(ctx.db, id, { deliveredAmount: '800' }, w.vAdmin)).toEqual({ from: 'disputed', status: 'delivered' })
		const done = await verifyCommitment(ctx.db, id, { note: '收据齐全' }, w.county)
		expect(done).toEqual({ from: 'delivered', status: 'verified', needClosed: false })
		expect(await row(id)).toMatchObject({ status: 'verified', verifiedBy: w.county.accountId, deliveredAmount: 80000, statusReason: null })
		expect((await events(id)).at(-1)).toMatchObject({ action: 'verify', note: '收据齐全', actorOrgId: w.county.memberships[0].orgId })
		expect(await notified(id, 'commitment_verified')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember, w.vOwner, w.vAdmin, w.vMember, w.dual))
		expect((await getNeed(ctx.db, needId, null))?.progress).toEqual({
			committed: 80000,
			delivered: 80000,
			verified: 80000,
			coverage: 'partial',
			delivery: 'partial',
			helpers: [{ orgId: w.p1, name: '国家帮扶单位甲', amount: 80000 }],
		})
		expect((await refused(() => verifyCommitment(ctx.db, id, {}, w.township), { commitment: id })).message).toBe('errors.commitment_not_delivered')

		// Feedback: each side once, by its own managers; the second closes the commitment.
		expect((await refused(() => giveFeedback(ctx.db, id, { side: 'village', rating: 6 }, w.vOwner), { commitment: id })).fields).toEqual({ rating: 'validation.rating_range' })
		expect((await refused(() => giveFeedback(ctx.db, id, { side: 'village', rating: 5 }, w.pOwner), { commitment: id })).message).toBe('errors.commitment_not_village')
		expect((await refused(() => giveFeedback(ctx.db, id, { side: 'provider', rating: 5 }, w.vOwner), { commitment: id })).message).toBe('errors.commitment_not_provider')
		expect(await giveFeedback(ctx.db, id, { side: 'village', rating: '5', comment: '及时到位' }, w.vOwner)).toEqual({ side: 'village', closed: false })
		const twice = await refused(() => giveFeedback(ctx.db, id, { side: 'village', rating: 4 }, w.vAdmin), { commitment: id })
		expect([twice.code, twice.message]).toEqual(['conflict', 'errors.feedback_given'])
		expect((await getCommitment(ctx.db, id, w.pOwner))?.viewer.canGiveFeedback).toEqual({ village: false, provider: true })
		expect(await giveFeedback(ctx.db, id, { side: 'provider', rating: 4 }, w.pOwner)).toEqual({ side: 'provider', closed: true })
		expect(await row(id)).toMatchObject({ status: 'closed', closedAt: expect.any(Number) })
		expect((await refused(() => giveFeedback(ctx.db, id, { side: 'provider', rating: 4 }, w.pAdmin), { commitment: id })).message).toBe('errors.feedback_given')
		expect((await events(id)).map((e) => e.action)).toEqual(['create', 'accept', 'start', 'deliver', 'dispute', 'deliver', 'verify', 'feedback', 'feedback', 'close'])
		expect((await listCommitmentEvents(ctx.db, id, w.vMember)).map((e) => e.toState).at(-1)).toBe('closed')
		expect((await appError(listCommitmentEvents(ctx.db, id, w.stranger))).code).toBe('not_found')
	})

	it('closes the need when its verified total reaches the target, as a system event', async () => {
		const needId = await publishedNeed({ amount: '1000' })
		const a = await accepted(needId, { amount: '600' })
		const b = await accepted(needId, { amount: '400' })
		for (const id of [a, b]) await startDelivery(ctx.db, id, w.pOwner)
		await confirmDelivery(ctx.db, a, { deliveredAmount: '600' }, w.vOwner)
		await confirmDelivery(ctx.db, b, { deliveredAmount: '300' }, w.vOwner)
		expect(await verifyCommitment(ctx.db, a, {}, w.township)).toMatchObject({ needClosed: false })
		// Part delivery: 900 of 1000 verified, the need stays open.
		expect(await verifyCommitment(ctx.db, b, {}, w.township)).toMatchObject({ needClosed: false })
		expect((await getNeed(ctx.db, needId, null))?.status).toBe('published')
		expect((await getNeed(ctx.db, needId, null))?.progress).toMatchObject({ committed: 100000, verified: 90000, coverage: 'full', delivery: 'partial' })

		const full = await publishedNeed({ amount: '1000' })
		const c = await accepted(full, { amount: '600' })
		const d = await accepted(full, { amount: '400' })
		for (const id of [c, d]) {
			await startDelivery(ctx.db, id, w.pOwner)
			await confirmDelivery(ctx.db, id, { deliveredAmount: id === c ? '600' : '400' }, w.vOwner)
		}
		await verifyCommitment(ctx.db, c, {}, w.township)
		expect(await verifyCommitment(ctx.db, d, {}, w.nationalAdmin)).toEqual({ from: 'delivered', status: 'verified', needClosed: true })
		const need = await ctx.db.selectFrom('need').selectAll().where('id', '=', full).executeTakeFirstOrThrow()
		expect(need).toMatchObject({ status: 'closed', closedAt: expect.any(Number) })
		const close = await ctx.db.selectFrom('event').selectAll().where('entityType', '=', 'need').where('entityId', '=', full).where('action', '=', 'close').execute()
		expect(close).toMatchObject([{ fromState: 'published', toState: 'closed', note: 'fully verified', actorAccountId: null, actorOrgId: null }])
		expect((await getNeed(ctx.db, full, null))?.progress).toMatchObject({ coverage: 'full', delivery: 'full', verified: 100000 })
		// The search documents and browse rows show the gap as it is: nothing left.
		const [doc] = await loadSearchDocuments(ctx.db, 'need', [full])
		expect(doc).toMatchObject({ status: 'closed', remaining: 0 })
	})

	it('milestones: provider managers while accepted or in delivery, shares up to 100%', async () => {
		const needId = await publishedNeed()
		const id = await accepted(needId)
		const bad: Array<[Record<string, unknown>, Record<string, string>]> = [
			[{ share: '0' }, { share: 'validation.share_range' }],
			[{ share: '101' }, { share: 'validation.share_range' }],
			[{ share: '12.5' }, { share: 'validation.whole_number' }],
			[{ title: '' }, { title: 'validation.required' }],
			[{ dueAt: dateIn(-1) }, { dueAt: 'validation.date_in_past' }],
		]
		for (const [overrides, fields] of bad) {
			const e = await refused(() => addMilestone(ctx.db, id, { title: '第一批物资到村', dueAt: dateIn(10), share: '60', ...overrides }, w.pOwner), { commitment: id })
			expect(e.fields).toEqual(fields)
		}
		expect((await refused(() => addMilestone(ctx.db, id, { title: 'x', dueAt: dateIn(10), share: '10' }, w.vOwner), { commitment: id })).message).toBe('errors.commitment_not_provider')
		expect((await refused(() => addMilestone(ctx.db, id, { title: 'x', dueAt: dateIn(10), share: '10' }, w.pMember), { commitment: id })).message).toBe('errors.not_org_admin')
		const m1 = await addMilestone(ctx.db, id, { title: '第一批物资到村', dueAt: dateIn(10), share: '60' }, w.pOwner)
		await startDelivery(ctx.db, id, w.pOwner)
		await addMilestone(ctx.db, id, { title: '第二批物资到村', dueAt: dateIn(20), share: 40 }, w.pAdmin)
		const over = await refused(() => addMilestone(ctx.db, id, { title: '追加', dueAt: dateIn(25), share: '1' }, w.pOwner), { commitment: id })
		expect([over.code, over.fields]).toEqual(['invalid', { share: 'errors.milestone_share_total|{"remaining":0}' }])
		const detail = await getCommitment(ctx.db, id, w.pOwner)
		expect(detail?.milestones.map((m) => [m.title, m.share, m.status])).toEqual([
			['第一批物资到村', 60, 'open'],
			['第二批物资到村', 40, 'open'],
		])
		expect(detail).toMatchObject({ shareRemaining: 0, viewer: { canAddMilestone: false, canPostUpdate: true } })
		expect((await events(id)).filter((e) => e.action === 'add_milestone').map((e) => e.note)).toEqual(['第一批物资到村', '第二批物资到村'])
		expect(m1.id).toEqual(expect.any(String))
	})

	it('progress updates with evidence: type and size by bytes, milestone reported and confirmed, files visible to both sides and officials', async () => {
		const needId = await publishedNeed()
		const id = await accepted(needId)
		const { id: milestoneId } = await addMilestone(ctx.db, id, { title: '物资到村', dueAt: dateIn(10), share: '100' }, w.pOwner)
		await startDelivery(ctx.db, id, w.pOwner)
		const filesIn = () => (fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).includes('.')).length : 0)
		const post = (files: Array<{ bytes: Uint8Array; originalName: string }>, raw: Record<string, unknown> = { body: '第一批已送达' }, actor = w.pOwner) =>
			postCommitmentUpdate(ctx.db, id, raw, files, actor, { dir })

		const before = filesIn()
		const wrongType = await refused(() => post([{ bytes: PNG, originalName: 'a.png' }, { bytes: TEXT, originalName: '收据.pdf' }]), { commitment: id })
		expect([wrongType.code, wrongType.fields]).toEqual(['invalid', { evidence: 'errors.evidence_type|{"name":"收据.pdf"}' }])
		const big = new Uint8Array(MAX_EVIDENCE_BYTES + 1)
		big.set(PNG)
		const tooBig = await refused(() => post([{ bytes: big, originalName: 'big.png' }]), { commitment: id })
		expect(tooBig.fields).toEqual({ evidence: 'errors.evidence_too_large|{"name":"big.png","maxMb":10}' })
		const many = await refused(() => post(Array.from({ length: 11 }, (_, i) => ({ bytes: PNG, originalName: `${i}.png` }))), { commitment: id })
		expect(many.fields).toEqual({ evidence: 'errors.evidence_too_many|{"max":10}' })
		expect((await refused(() => post([], { body: '' }), { commitment: id })).fields).toEqual({ body: 'validation.required' })
		expect((await refused(() => post([], { body: 'x'.repeat(5001) }), { commitment: id })).fields).toEqual({ body: 'validation.too_long|{"max":5000}' })
		expect((await refused(() => post([{ bytes: PNG, originalName: 'a.png' }], { body: '村里发的' }, w.vOwner), { commitment: id })).message).toBe('errors.commitment_not_provider')
		expect((await refused(() => post([], { body: 'x', milestoneId: 'NOPE' }), { commitment: id })).fields).toEqual({ milestoneId: 'errors.milestone_not_found' })
		// The database fails after the files were written: the files go too.
		const broken = ctx.db.withPlugin(new FailUploadInsert())
		const unchanged = await snapshot({ commitment: id })
		await expect(postCommitmentUpdate(broken, id, { body: '第一批已送达' }, [{ bytes: PNG, originalName: 'a.png' }], w.pOwner, { dir })).rejects.toThrow('simulated insert failure')
		expect(await snapshot({ commitment: id })).toEqual(unchanged)
		expect(filesIn()).toBe(before)

		const plain = await post([{ bytes: PDF, originalName: '../../收据.pdf' }])
		const reported = await post(
			[
				{ bytes: PNG, originalName: '现场.png' },
				{ bytes: JPEG, originalName: '签收单.jpg' },
			],
			{ body: '全部物资到村', milestoneId },
		)
		expect(reported.evidence).toHaveLength(2)
		expect(filesIn()).toBe(before + 3)
		expect(await notified(id, 'milestone_reported')).toEqual(accounts(w.vOwner, w.vAdmin, w.vMember, w.dual))
		const detail = await getCommitment(ctx.db, id, w.vOwner)
		expect(detail?.updates.map((u) => [u.body, u.milestoneId, u.evidence.map((e) => [e.kind, e.contentType, e.originalName])])).toEqual([
			['全部物资到村', milestoneId, [['photo', 'image/png', '现场.png'], ['photo', 'image/jpeg', '签收单.jpg']]],
			['第一批已送达', null, [['document', 'application/pdf', '收据.pdf']]],
		])
		expect(detail?.milestones[0].status).toBe('reported')
		expect(detail?.viewer).toMatchObject({ canConfirmMilestone: true, canConfirmDelivery: true, canPostUpdate: false })

		const [pdfId] = plain.evidence
		for (const viewer of [w.pOwner, w.pMember, w.vMember, w.township, w.prefecture, w.nationalAdmin]) expect((await getUpload(ctx.db, pdfId, viewer))?.contentType).toBe('application/pdf')
		for (const viewer of [null, w.stranger, w.vOwnerB, w.otherTownship, w.p3Owner]) expect(await getUpload(ctx.db, pdfId, viewer)).toBeUndefined()

		expect((await refused(() => confirmMilestone(ctx.db, id, milestoneId, w.pOwner), { commitment: id })).message).toBe('errors.commitment_not_village')
		expect(await confirmMilestone(ctx.db, id, milestoneId, w.vAdmin)).toEqual({ id: milestoneId, status: 'confirmed' })
		expect(await notified(id, 'milestone_confirmed')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember))
		expect((await refused(() => confirmMilestone(ctx.db, id, milestoneId, w.vOwner), { commitment: id })).message).toBe('errors.milestone_not_reported')
		expect((await refused(() => post([], { body: '再报一次', milestoneId }), { commitment: id })).fields).toEqual({ milestoneId: 'errors.milestone_already_confirmed' })
		expect((await events(id)).map((e) => e.action)).toEqual(['create', 'accept', 'add_milestone', 'start', 'post_update', 'report_milestone', 'confirm_milestone'])
	})

	it('the lapse job lapses unanswered pledges once, tells both sides, and is safe to run twice', async () => {
		const needId = await publishedNeed()
		const t0 = Date.now()
		const id = await pledge(needId, {}, w.pOwner, t0)
		const answered = await pledge(needId, {}, w.pOwner, t0)
		await acceptCommitment(ctx.db, answered, w.vOwner)
		await lapseCommitments(ctx.db, t0 + 14 * DAY - 1)
		expect((await row(id)).status).toBe('pledged')
		const [first, second] = [await lapseCommitments(ctx.db, t0 + 14 * DAY), await lapseCommitments(ctx.db, t0 + 14 * DAY)]
		expect(first).toBeGreaterThanOrEqual(1)
		expect(second).toBe(0)
		expect(await row(id)).toMatchObject({ status: 'lapsed' })
		expect((await row(answered)).status).toBe('accepted')
		expect((await events(id)).at(-1)).toEqual({ action: 'lapse', fromState: 'pledged', toState: 'lapsed', note: '', actorAccountId: null, actorOrgId: null })
		expect(await notified(id, 'commitment_lapsed')).toEqual(accounts(w.pOwner, w.pAdmin, w.pMember, w.vOwner, w.vAdmin, w.vMember, w.dual))
		// Both at once: each pledge lapses once.
		const t1 = Date.now()
		const ids = [await pledge(needId, {}, w.pOwner, t1), await pledge(needId, {}, w.pOwner, t1)]
		const counts = await Promise.all([lapseCommitments(ctx.db, t1 + 15 * DAY), lapseCommitments(ctx.db, t1 + 15 * DAY)])
		expect(counts[0] + counts[1]).toBeGreaterThanOrEqual(2)
		for (const c of ids) expect((await events(c)).filter((e) => e.action === 'lapse')).toHaveLength(1)
		expect((await refused(() => acceptCommitment(ctx.db, id, w.vOwner), { commitment: id })).message).toBe('errors.commitment_not_pledged')
	})

	it('getCommitment and the lists: both orgs and covering officials only, with overdue and viewer flags', async () => {
		const needId = await publishedNeed()
		const mine = await accepted(needId, { amount: '100', dueAt: dateIn(5) })
		const theirs = await pledge(needId, { providerOrgId: w.p3, amount: '50' }, w.p3Owner)
		for (const viewer of [null, w.stranger, w.vOwnerB, w.otherTownship, w.p3Owner]) expect(await getCommitment(ctx.db, mine, viewer)).toBeUndefined()
		for (const viewer of [w.pMember, w.vMember, w.township, w.prefecture, w.nationalAdmin]) expect((await getCommitment(ctx.db, mine, viewer))?.id).toBe(mine)

		const detail = await getCommitment(ctx.db, mine, w.vOwner)
		expect(detail).toMatchObject({
			needTitle: '三河村花椒烘干设备',
			measure: 'amount',
			unit: null,
			amount: 10000,
			providerName: '国家帮扶单位甲',
			villageOrgName: '三河村村民委员会',
			villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
			overdue: false,
			milestones: [],
			updates: [],
			feedback: { village: undefined, provider: undefined },
			viewer: { isVillage: true, canAccept: false, canConfirmDelivery: false, canWithdraw: false },
		})
		expect(detail).not.toHaveProperty('idempotencyKey')
		expect((await getCommitment(ctx.db, mine, w.pOwner))?.viewer).toMatchObject({ isProvider: true, canWithdraw: true, canStart: true, canAddMilestone: true, canAccept: false })
		expect((await getCommitment(ctx.db, mine, w.pMember))?.viewer).toMatchObject({ isProvider: true, canWithdraw: false, canStart: false })
		expect((await getCommitment(ctx.db, theirs, w.vAdmin))?.viewer).toMatchObject({ canAccept: true, canDecline: true })
		// Overdue once the due day has ended, derived at read time.
		expect((await getCommitment(ctx.db, mine, w.vOwner, chinaDayStart(Date.now()) + 6 * DAY))?.overdue).toBe(true)
		expect((await getCommitment(ctx.db, theirs, w.vOwner, chinaDayStart(Date.now()) + 60 * DAY))?.overdue).toBe(false)

		expect((await listCommitmentsForNeed(ctx.db, needId, w.vMember)).map((c) => c.id).sort()).toEqual([mine, theirs].sort())
		expect((await listCommitmentsForNeed(ctx.db, needId, w.p3Owner)).map((c) => c.id)).toEqual([theirs])
		expect(await listCommitmentsForNeed(ctx.db, needId, null)).toEqual([])
		expect((await listCommitmentsForNeed(ctx.db, needId, w.township)).length).toBe(2)
		const p3List = await listCommitmentsForOrg(ctx.db, w.p3, w.p3Owner, { side: 'provider' })
		expect(p3List.every((c) => c.providerOrgId === w.p3)).toBe(true)
		expect(p3List.filter((c) => c.needId === needId).map((c) => [c.id, c.status, c.needTitle])).toEqual([[theirs, 'pledged', '三河村花椒烘干设备']])
		expect(await listCommitmentsForOrg(ctx.db, w.p3, w.stranger)).toEqual([])
		const villageList = await listCommitmentsForOrg(ctx.db, w.villageA, w.vOwner, { side: 'village', statuses: ['pledged'] })
		expect(villageList.map((c) => c.id)).toContain(theirs)
		expect(villageList.every((c) => c.status === 'pledged')).toBe(true)

		// The public need page: totals and provider names, no commitment rows.
		const publicNeed = await getNeed(ctx.db, needId, null)
		expect(publicNeed?.progress).toMatchObject({ committed: 10000, helpers: [{ orgId: w.p1, name: '国家帮扶单位甲', amount: 10000 }] })
		const [card] = await listNeedsByIds(ctx.db, [needId])
		expect(card).toMatchObject({ target: 100000, remaining: 90000 })
		const [doc] = await loadSearchDocuments(ctx.db, 'need', [needId])
		expect(doc.remaining).toBe(90000)
	})

	it('offers: capacity used from accepted-or-later commitments, no edit below it, no measure change while used', async () => {
		const offer = await activeOffer({ capacity: '500' })
		const needId = await publishedNeed({ amount: '5000' })
		const pledged = await pledge(needId, { amount: '200', offerId: offer })
		expect(await getOffer(ctx.db, offer, null)).toMatchObject({ capacityUsed: 0, remaining: 50000 })
		await acceptCommitment(ctx.db, pledged, w.vOwner)
		const full = await accepted(needId, { amount: '300', offerId: offer })
		expect(await getOffer(ctx.db, offer, null)).toMatchObject({ capacityUsed: 50000, remaining: 0, exhausted: true, displayStatus: 'exhausted' })
		expect((await listOffersByIds(ctx.db, [offer]))[0]).toMatchObject({ remaining: 0, displayStatus: 'exhausted' })
		expect((await loadSearchDocuments(ctx.db, 'offer', [offer]))[0].remaining).toBe(0)

		await transitionOffer(ctx.db, offer, { action: 'pause' }, w.pOwner)
		const base = { title: '产业帮扶资金', description: '支持村级产业', categories: ['industry'], measure: 'amount', capacity: '499.99', coverage: 'nationwide', validFrom: dateIn(-1), validUntil: dateIn(180) }
		const offerRow = () => ctx.db.selectFrom('offer').selectAll().where('id', '=', offer).executeTakeFirstOrThrow()
		const before = [await offerRow(), await countRows(ctx.db, 'event')]
		const low = await appError(updateOffer(ctx.db, offer, base, w.pOwner))
		expect([low.code, low.fields]).toEqual(['invalid', { capacity: 'errors.offer_capacity_below_committed|{"committed":"¥500"}' }])
		const measure = await appError(updateOffer(ctx.db, offer, { ...base, measure: 'quantity', unit: '人', capacity: '1000' }, w.pOwner))
		expect(measure.fields).toEqual({ measure: 'errors.offer_measure_committed' })
		expect([await offerRow(), await countRows(ctx.db, 'event')]).toEqual(before)
		await updateOffer(ctx.db, offer, { ...base, capacity: '800' }, w.pOwner)
		expect(await getOffer(ctx.db, offer, null)).toMatchObject({ capacity: 80000, capacityUsed: 50000, remaining: 30000 })
		// Withdrawal frees capacity.
		await withdrawCommitment(ctx.db, full, { reason: '改由其他项目' }, w.pOwner)
		expect(await getOffer(ctx.db, offer, null)).toMatchObject({ capacityUsed: 20000, remaining: 60000 })
		await updateOffer(ctx.db, offer, { ...base, capacity: '200' }, w.pOwner)
		await updateOffer(ctx.db, offer, { ...base, unlimited: 'on' }, w.pOwner)
		expect(await getOffer(ctx.db, offer, null)).toMatchObject({ capacity: null, capacityUsed: 20000, remaining: null, exhausted: false })
	})

	it('keeps the notification inbox and search outbox in the same transaction as the change', async () => {
		const needId = await publishedNeed()
		const id = await pledge(needId)
		// A failed write (here: the gap check at acceptance) leaves no notification behind.
		await accepted(needId, { amount: '1000' })
		const before = await countRows(ctx.db, 'notification')
		await appError(acceptCommitment(ctx.db, id, w.vOwner))
		expect(await countRows(ctx.db, 'notification')).toBe(before)
		const raw = await sql<{ n: number }>`select count(*) as n from event where entity_type = 'commitment' and entity_id = ${id}`.execute(ctx.db)
		expect(Number(raw.rows[0].n)).toBe(1)
	})
})
