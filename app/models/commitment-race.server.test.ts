// The invariant under concurrency: 100 pledge-then-accept runs at once against one need (and
// against one offer) whose limit allows only some of them. On MySQL they run on a pool of 20
// connections and meet at the row locks; on SQLite the single connection serialises them.
// Figures are printed, never timed.
import { beforeAll, expect, it } from 'vitest'
import { AppError } from '#app/utils/errors.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { COUNTED_STATUSES, acceptCommitment, createCommitment } from './commitment.server.ts'
import { createNeed, reviewNeed, submitNeed } from './need.server.ts'
import { createOffer, transitionOffer } from './offer.server.ts'
import type { Actor } from './policy.server.ts'

const DAY = 86_400_000
const RUNS = 100
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

type Outcome = { ok: true; amount: number } | { ok: false; code: string; message: string }

describeDb('commitment races', (ctx) => {
	let villageOrg: string
	let villageOwner: Actor
	let township: Actor
	const providers: Array<{ orgId: string; actor: Actor }> = []

	beforeAll(async () => {
		await seedRegions(ctx.db)
		const owner = await makeAccount(ctx.db)
		villageOrg = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: owner.id })
		villageOwner = await actorFor(ctx.db, owner.id)
		township = await makeOfficial(ctx.db, '513431100000')
		for (const kind of ['central_unit', 'east_west_partner', 'mass_org', 'enterprise', 'social_org'] as const) {
			const account = await makeAccount(ctx.db)
			const orgId = await makeOrg(ctx.db, kind, { ownerId: account.id })
			providers.push({ orgId, actor: await actorFor(ctx.db, account.id) })
		}
	})

	async function publishedNeed(quantity: number) {
		const { id } = await createNeed(
			ctx.db,
			villageOrg,
			{ title: '劳务技能培训', category: 'talent', measure: 'quantity', quantity: String(quantity), unit: '人', urgency: 'normal', neededBy: dateIn(60) },
			villageOwner,
		)
		await submitNeed(ctx.db, id, villageOwner)
		await reviewNeed(ctx.db, id, { decision: 'publish' }, township)
		return id
	}

	/** Pledge then accept; a refusal must be a domain error (conflict or invalid), never a crash. */
	async function pledgeAndAccept(needId: string, provider: { orgId: string; actor: Actor }, amount: number, offerId?: string): Promise<Outcome> {
		try {
			const { id } = await createCommitment(ctx.db, needId, { providerOrgId: provider.orgId, amount: String(amount), dueAt: dateIn(30), offerId }, provider.actor)
			await acceptCommitment(ctx.db, id, villageOwner)
			return { ok: true, amount }
		} catch (error) {
			if (error instanceof AppError && (error.code === 'conflict' || error.code === 'invalid')) return { ok: false, code: error.code, message: error.message }
			throw error
		}
	}

	async function countedTotal(column: 'needId' | 'offerId', ids: string[]) {
		const row = await ctx.db
			.selectFrom('commitment')
			.select((eb) => eb.fn.sum<number>('amount').as('total'))
			.where(column, 'in', ids)
			.where('status', 'in', [...COUNTED_STATUSES])
			.executeTakeFirstOrThrow()
		return Number(row.total ?? 0)
	}

	/** Every commitment row has its creation event (no partial writes), every accepted one its accept event. */
	async function expectNoPartialRows(column: 'needId' | 'offerId', ids: string[]) {
		const rows = await ctx.db.selectFrom('commitment').select(['id', 'status']).where(column, 'in', ids).execute()
		const commitmentIds = rows.map((r) => r.id)
		const events = commitmentIds.length
			? await ctx.db.selectFrom('event').select(['entityId', 'action']).where('entityType', '=', 'commitment').where('entityId', 'in', commitmentIds).execute()
			: []
		const creates = events.filter((e) => e.action === 'create')
		expect(creates.length).toBe(rows.length)
		expect(new Set(creates.map((e) => e.entityId))).toEqual(new Set(commitmentIds))
		expect(events.filter((e) => e.action === 'accept').length).toBe(rows.filter((r) => r.status === 'accepted').length)
		return rows
	}

	function summary(label: string, outcomes: Outcome[], total: number, limit: number) {
		const refused = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok)
		const reasons = new Map<string, number>()
		for (const r of refused) {
			const key = `${r.code}:${r.message.split('|')[0]}`
			reasons.set(key, (reasons.get(key) ?? 0) + 1)
		}
		console.log(`[race ${ctx.dialect}] ${label}: ${outcomes.length - refused.length} accepted, ${refused.length} refused (${[...reasons].map(([k, n]) => `${k} ×${n}`).join(', ')}); accepted total ${total} of ${limit}`)
		return refused
	}

	it(`${RUNS} concurrent pledge+accept runs never commit more than a need's target`, async () => {
		const target = 50
		const needId = await publishedNeed(target)
		const outcomes = await Promise.all(Array.from({ length: RUNS }, (_, i) => pledgeAndAccept(needId, providers[i % providers.length], 1 + (i % 3))))
		const total = await countedTotal('needId', [needId])
		const refused = summary('need target', outcomes, total, target)
		expect(total).toBeLessThanOrEqual(target)
		expect(total).toBe(outcomes.reduce((sum, o) => sum + (o.ok ? o.amount : 0), 0))
		expect(refused.length).toBeGreaterThan(0)
		await expectNoPartialRows('needId', [needId])
	}, 120_000)

	it(`${RUNS} concurrent pledge+accept runs never use more than an offer's capacity`, async () => {
		const capacity = 50
		const provider = providers[0]
		const { id: offerId } = await createOffer(
			ctx.db,
			provider.orgId,
			{ title: '技能培训名额', description: '面向脱贫劳动力', categories: ['talent'], measure: 'quantity', unit: '人', capacity: String(capacity), coverage: 'nationwide', validFrom: dateIn(-1), validUntil: dateIn(90) },
			provider.actor,
		)
		await transitionOffer(ctx.db, offerId, { action: 'publish' }, provider.actor)
		// Four needs with room to spare: only the offer limits.
		const needs = [await publishedNeed(1000), await publishedNeed(1000), await publishedNeed(1000), await publishedNeed(1000)]
		const outcomes = await Promise.all(Array.from({ length: RUNS }, (_, i) => pledgeAndAccept(needs[i % needs.length], provider, 1 + (i % 3), offerId)))
		const total = await countedTotal('offerId', [offerId])
		const refused = summary('offer capacity', outcomes, total, capacity)
		expect(total).toBeLessThanOrEqual(capacity)
		expect(total).toBe(outcomes.reduce((sum, o) => sum + (o.ok ? o.amount : 0), 0))
		expect(refused.length).toBeGreaterThan(0)
		await expectNoPartialRows('offerId', [offerId])
		for (const needId of needs) expect(await countedTotal('needId', [needId])).toBeLessThanOrEqual(1000)
	}, 120_000)
})
