import type { Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { CommitmentStatus, DB, Measure } from '#db/schema.ts'
import { chinaPeriod } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { makeAccount, makeOrg, needRow, seedRegions } from '#tests/factories.ts'
import { verifiedContribution } from './contribution.server.ts'

/** A need of the village and one commitment to it, inserted directly in the given state. */
async function insertCommitment(
	db: Kysely<DB>,
	c: { providerOrgId: string; villageOrgId: string; villageCode: string; amount: number; status?: CommitmentStatus; verifiedAt?: number | null; measure?: Measure; createdBy: string },
) {
	const now = Date.now()
	const needId = newId()
	const measure = c.measure ?? 'amount'
	await db
		.insertInto('need')
		.values(needRow({ id: needId, villageOrgId: c.villageOrgId, villageCode: c.villageCode, title: '测试需求', measure, unit: measure === 'quantity' ? '人' : null, target: c.amount * 10, neededBy: now + 30 * 86_400_000, createdBy: c.createdBy }))
		.execute()
	const id = newId()
	await db
		.insertInto('commitment')
		.values({
			id,
			needId,
			offerId: null,
			providerOrgId: c.providerOrgId,
			villageOrgId: c.villageOrgId,
			villageCode: c.villageCode,
			amount: c.amount,
			deliveredAmount: c.amount,
			status: c.status ?? 'verified',
			message: '',
			dueAt: now,
			lapseAt: now,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: now,
			deliveryStartedAt: now,
			deliveredAt: now,
			verifiedAt: c.verifiedAt === undefined ? now : c.verifiedAt,
			verifiedBy: null,
			closedAt: null,
			createdBy: c.createdBy,
			createdAt: now,
			updatedAt: now,
		})
		.execute()
	return id
}

describeDb('verifiedContribution', (ctx) => {
	const y2025 = chinaPeriod(2025)
	let a: string
	let b: string
	let sanhe: string
	let guangming: string
	let user: string

	beforeAll(async () => {
		await seedRegions(ctx.db)
		user = (await makeAccount(ctx.db)).id
		a = await makeOrg(ctx.db, 'central_unit', { name: '帮扶单位甲' })
		b = await makeOrg(ctx.db, 'enterprise', { name: '企业乙' })
		sanhe = await makeOrg(ctx.db, 'village', { regionCode: '513431100201' })
		guangming = await makeOrg(ctx.db, 'village', { regionCode: '513432100201' })
		const mid = y2025.start + 100 * 86_400_000
		const put = (org: string, village: 'sanhe' | 'guangming', amount: number, extra: { status?: CommitmentStatus; verifiedAt?: number | null; measure?: Measure } = {}) =>
			insertCommitment(ctx.db, {
				providerOrgId: org,
				villageOrgId: village === 'sanhe' ? sanhe : guangming,
				villageCode: village === 'sanhe' ? '513431100201' : '513432100201',
				amount,
				createdBy: user,
				verifiedAt: mid,
				...extra,
			})
		// 甲: ¥1,000 + ¥500 (closed) to 三河村 (昭觉县), 30 people (quantity) to 三河村, ¥2,000 to 光明村 (喜德县).
		await put(a, 'sanhe', 100_000)
		await put(a, 'sanhe', 50_000, { status: 'closed' })
		await put(a, 'sanhe', 30, { measure: 'quantity' })
		await put(a, 'guangming', 200_000)
		// Not counted: delivered but not verified, disputed, verified in 2024, verified exactly at the period end.
		await put(a, 'sanhe', 999_900, { status: 'delivered', verifiedAt: null })
		await put(a, 'sanhe', 999_900, { status: 'disputed' })
		await put(a, 'sanhe', 999_900, { verifiedAt: y2025.start - 1 })
		await put(a, 'sanhe', 999_900, { verifiedAt: y2025.end })
		// 乙: ¥300 to 三河村, verified at the very start of the period.
		await put(b, 'sanhe', 30_000, { verifiedAt: y2025.start })
	})

	it('sums money of verified or closed commitments in [start, end) per provider, counting every one', async () => {
		const all = await verifiedContribution(ctx.db, { start: y2025.start, end: y2025.end })
		expect(all).toEqual([
			{ orgId: a, amountFen: 350_000, count: 4 },
			{ orgId: b, amountFen: 30_000, count: 1 },
		])
	})

	it('keeps to villages inside a region of any level, by code prefix', async () => {
		expect(await verifiedContribution(ctx.db, { regionCode: '513431000000', start: y2025.start, end: y2025.end })).toEqual([
			{ orgId: a, amountFen: 150_000, count: 3 },
			{ orgId: b, amountFen: 30_000, count: 1 },
		])
		expect(await verifiedContribution(ctx.db, { regionCode: '513432100000', start: y2025.start, end: y2025.end })).toEqual([{ orgId: a, amountFen: 200_000, count: 1 }])
		expect(await verifiedContribution(ctx.db, { regionCode: '510000000000', start: y2025.start, end: y2025.end })).toHaveLength(2)
		expect(await verifiedContribution(ctx.db, { regionCode: '330000000000', start: y2025.start, end: y2025.end })).toEqual([])
		// '' means nationwide.
		expect(await verifiedContribution(ctx.db, { regionCode: '', start: y2025.start, end: y2025.end })).toHaveLength(2)
	})

	it('filters by org ids; an empty list matches nothing', async () => {
		expect(await verifiedContribution(ctx.db, { orgIds: [b], start: y2025.start, end: y2025.end })).toEqual([{ orgId: b, amountFen: 30_000, count: 1 }])
		expect(await verifiedContribution(ctx.db, { orgIds: [], start: y2025.start, end: y2025.end })).toEqual([])
		const y2024 = chinaPeriod(2024)
		expect(await verifiedContribution(ctx.db, { orgIds: [a], start: y2024.start, end: y2024.end })).toEqual([{ orgId: a, amountFen: 9_999_00, count: 1 }])
	})

	it('refuses a malformed region code', async () => {
		await expect(verifiedContribution(ctx.db, { regionCode: '5134', start: y2025.start, end: y2025.end })).rejects.toThrow(/region code/)
	})
})
