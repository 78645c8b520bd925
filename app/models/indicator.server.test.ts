// Indicators against a hand-built fixture world whose expected figures are worked out in the
// comments below, on both dialects. The world lies in 四川 (51): 昭觉县 513431 holds 三河村 S and
// 火普村 H (新城镇) and 谷曲村 G; 喜德县 513432 holds 光明村 M.
import type { Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { CommitmentStatus, DB, NeedCategory } from '#db/schema.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { makeOrg, seedRegions } from '#tests/factories.ts'
import { computeIndicators, countPairedVillages, median, monthlyVerified, regionRanking, verifiedBreakdown } from './indicator.server.ts'

/** Noon in China on a date. */
const cn = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 4)
const NOW = cn(2026, 7, 1)
const S = '513431100201'
const H = '513431100202'
const G = '513431101201'
const M = '513432100201'

type World = { U: string; E: string; K: string }

async function addNeed(db: Kysely<DB>, village: string, villageOrgId: string, n: { category: NeedCategory; target: number; unit?: string; publishedAt: number }) {
	const id = newId()
	await db
		.insertInto('need')
		.values({
			id,
			villageOrgId,
			villageCode: village,
			title: `需求 ${id}`,
			description: '',
			category: n.category,
			measure: n.unit ? 'quantity' : 'amount',
			unit: n.unit ?? null,
			target: n.target,
			urgency: 'normal',
			neededBy: cn(2026, 12, 31),
			status: 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: null,
			submittedAt: n.publishedAt,
			publishedAt: n.publishedAt,
			closedAt: null,
			createdBy: 'test',
			createdAt: n.publishedAt,
			updatedAt: n.publishedAt,
		})
		.execute()
	return id
}

async function addCommitment(
	db: Kysely<DB>,
	needId: string,
	village: string,
	villageOrgId: string,
	providerOrgId: string,
	c: { status: CommitmentStatus; amount: number; delivered?: number; createdAt: number; acceptedAt?: number; deliveredAt?: number; verifiedAt?: number; dueAt: number },
) {
	await db
		.insertInto('commitment')
		.values({
			id: newId(),
			needId,
			offerId: null,
			providerOrgId,
			villageOrgId,
			villageCode: village,
			amount: c.amount,
			deliveredAmount: c.delivered ?? null,
			status: c.status,
			message: '',
			dueAt: c.dueAt,
			lapseAt: c.createdAt + 14 * 86_400_000,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: c.acceptedAt ?? null,
			deliveryStartedAt: null,
			deliveredAt: c.deliveredAt ?? null,
			verifiedAt: c.verifiedAt ?? null,
			verifiedBy: c.verifiedAt ? 'official' : null,
			closedAt: null,
			createdBy: 'test',
			createdAt: c.createdAt,
			updatedAt: c.createdAt,
		})
		.execute()
}

async function addPairing(db: Kysely<DB>, kind: 'targeted' | 'twinning' | 'east_west', providerOrgId: string | null, recipient: string, status: 'active' | 'ended' = 'active', providerRegionCode: string | null = null) {
	await db
		.insertInto('pairing')
		.values({ id: newId(), kind, providerOrgId, providerRegionCode, recipientRegionCode: recipient, startedYear: 2021, status, createdBy: null, createdAt: NOW, endedBy: null, endedAt: null })
		.execute()
}

async function addProject(db: Kysely<DB>, enterpriseOrgId: string, villages: string[], verified?: { investment: number; at: number }) {
	const id = newId()
	await db
		.insertInto('project')
		.values({
			id,
			enterpriseOrgId,
			title: '帮扶项目',
			description: '',
			type: 'industry',
			plannedInvestment: 999_999,
			startsOn: cn(2026, 1, 1),
			endsOn: cn(2026, 12, 31),
			status: 'running',
			verifiedInvestment: verified?.investment ?? null,
			verifiedAt: verified?.at ?? null,
			verifiedBy: verified ? 'official' : null,
			createdBy: 'test',
			createdAt: cn(2026, 1, 1),
			updatedAt: cn(2026, 1, 1),
		})
		.execute()
	await db.insertInto('projectVillage').values(villages.map((villageCode) => ({ projectId: id, villageCode }))).execute()
}

async function buildWorld(db: Kysely<DB>): Promise<World> {
	await seedRegions(db)
	const vs = Object.fromEntries(await Promise.all([S, H, G, M].map(async (v) => [v, await makeOrg(db, 'village', { regionCode: v })] as const)))
	// A pending village org is not counted as paired.
	await makeOrg(db, 'village', { regionCode: '513431101202', status: 'pending' })
	const U = await makeOrg(db, 'central_unit')
	const E = await makeOrg(db, 'enterprise', { regionCode: '330100000000' })
	const K = await makeOrg(db, 'mass_org')

	const n1 = await addNeed(db, S, vs[S], { category: 'industry', target: 100_000, publishedAt: cn(2026, 3, 1) })
	const n2 = await addNeed(db, H, vs[H], { category: 'consumption', target: 50_000, publishedAt: cn(2026, 4, 10) })
	const n3 = await addNeed(db, G, vs[G], { category: 'employment', target: 20, unit: '人', publishedAt: cn(2026, 5, 1) })
	const n4 = await addNeed(db, M, vs[M], { category: 'talent', target: 30, unit: '人', publishedAt: cn(2026, 2, 1) })
	const n5 = await addNeed(db, S, vs[S], { category: 'health', target: 10_000, publishedAt: cn(2025, 12, 20) })

	// c1: verified on time. c2: accepted, not yet due. c3: a pledge (counts nowhere, but is the
	// fastest answer to n1 only if earlier than c1: it is not). c4: verified late, part delivered.
	// c5: people into jobs, on time. c6: overdue. c7: verified in 2025. c8: delivered, disputed.
	await addCommitment(db, n1, S, vs[S], U, { status: 'verified', amount: 60_000, delivered: 60_000, createdAt: cn(2026, 3, 2), acceptedAt: cn(2026, 3, 5), deliveredAt: cn(2026, 3, 20), verifiedAt: cn(2026, 3, 25), dueAt: cn(2026, 3, 31) })
	await addCommitment(db, n1, S, vs[S], E, { status: 'accepted', amount: 40_000, createdAt: cn(2026, 3, 8), acceptedAt: cn(2026, 3, 10), dueAt: cn(2026, 12, 31) })
	await addCommitment(db, n1, S, vs[S], K, { status: 'pledged', amount: 30_000, createdAt: cn(2026, 3, 4), dueAt: cn(2026, 6, 30) })
	await addCommitment(db, n2, H, vs[H], E, { status: 'closed', amount: 45_000, delivered: 40_000, createdAt: cn(2026, 4, 11), acceptedAt: cn(2026, 4, 12), deliveredAt: cn(2026, 5, 1), verifiedAt: cn(2026, 5, 20), dueAt: cn(2026, 5, 10) })
	await addCommitment(db, n3, G, vs[G], U, { status: 'verified', amount: 15, delivered: 15, createdAt: cn(2026, 5, 6), acceptedAt: cn(2026, 5, 7), deliveredAt: cn(2026, 6, 5), verifiedAt: cn(2026, 6, 10), dueAt: cn(2026, 6, 30) })
	await addCommitment(db, n4, M, vs[M], K, { status: 'in_delivery', amount: 10, createdAt: cn(2026, 2, 5), acceptedAt: cn(2026, 2, 10), dueAt: cn(2026, 4, 30) })
	await addCommitment(db, n5, S, vs[S], U, { status: 'verified', amount: 10_000, delivered: 10_000, createdAt: cn(2025, 12, 21), acceptedAt: cn(2025, 12, 22), deliveredAt: cn(2025, 12, 26), verifiedAt: cn(2025, 12, 28), dueAt: cn(2025, 12, 31) })
	await addCommitment(db, n2, H, vs[H], E, { status: 'disputed', amount: 5_000, delivered: 5_000, createdAt: cn(2026, 4, 15), acceptedAt: cn(2026, 4, 16), deliveredAt: cn(2026, 5, 2), dueAt: cn(2026, 5, 10) })

	await addPairing(db, 'targeted', U, '513431000000')
	await addPairing(db, 'twinning', E, M)
	await addPairing(db, 'twinning', K, S, 'ended')
	await addPairing(db, 'east_west', null, '510000000000', 'active', '330000000000')

	await addProject(db, E, [M], { investment: 200_000, at: cn(2026, 6, 1) })
	await addProject(db, E, [S])
	return { U, E, K }
}

describeDb('indicators', (ctx) => {
	let w: World
	beforeAll(async () => {
		w = await buildWorld(ctx.db)
	})

	it('a province includes its counties and villages; pledged and unverified amounts are excluded', async () => {
		expect(await computeIndicators(ctx.db, { regionCode: '510000000000' }, { year: 2026 }, NOW)).toEqual({
			// accepted in 2026, amount needs: c1 60,000 + c2 40,000 + c4 45,000 + c8 5,000 (not the pledge c3, not c7 of 2025)
			funds_committed: 150_000,
			// confirmed arrived in 2026: c1 60,000 + c4 40,000 (of 45,000) + c8 5,000
			funds_delivered: 105_000,
			// verified in 2026: c1 60,000 + c4 40,000 (not the accepted c2, not the disputed c8)
			funds_verified: 100_000,
			// the verified project in 光明村 (not the unverified one's planned 999,999)
			csr_investment: 200_000,
			consumption: 40_000,
			jobs: 15,
			// c6's trainees are not verified
			trained: 0,
			// 昭觉's targeted pairing reaches S, H, G; E's twinning reaches M; the ended pairing and
			// the province-level East–West framework add nothing; the pending village org is not counted
			villages_paired: 4,
			// n1 0.6, n2 0.8, n3 0.75, n4 0 → 0.5375 (n5 was published in 2025)
			coverage_rate: 538,
			// due in 2026 and counted: c1 on time, c4 late, c5 on time, c6 overdue → 2 of 4
			on_time_rate: 500,
			// first answers: n1 1 day (c1), n2 1, n3 5, n4 4 → median of 1, 1, 4, 5
			median_days_to_commitment: 2.5,
		})
	})

	it('a county counts only its own villages, a village only itself', async () => {
		const county = await computeIndicators(ctx.db, { regionCode: '513431000000' }, { year: 2026 }, NOW)
		expect(county).toMatchObject({ funds_committed: 150_000, funds_verified: 100_000, jobs: 15, trained: 0, csr_investment: 0, villages_paired: 3, coverage_rate: 717, on_time_rate: 667, median_days_to_commitment: 1 })
		const xide = await computeIndicators(ctx.db, { regionCode: '513432000000' }, { year: 2026 }, NOW)
		expect(xide).toMatchObject({ funds_committed: 0, funds_verified: 0, csr_investment: 200_000, villages_paired: 1, coverage_rate: 0, on_time_rate: 0, median_days_to_commitment: 4 })
		const village = await computeIndicators(ctx.db, { regionCode: S }, { year: 2026 }, NOW)
		expect(village).toMatchObject({ funds_committed: 100_000, funds_verified: 60_000, villages_paired: 1, coverage_rate: 600 })
		// Another province: nothing at all, rates not applicable.
		expect(await computeIndicators(ctx.db, { regionCode: '330000000000' }, { year: 2026 }, NOW)).toMatchObject({ funds_verified: 0, coverage_rate: null, on_time_rate: null, median_days_to_commitment: null })
	})

	it('by provider and by org kind', async () => {
		expect(await computeIndicators(ctx.db, { providerOrgId: w.U }, { year: 2026 }, NOW)).toEqual({
			funds_committed: 60_000,
			funds_delivered: 60_000,
			funds_verified: 60_000,
			csr_investment: 0,
			consumption: 0,
			jobs: 15,
			trained: 0,
			villages_paired: 3,
			coverage_rate: null,
			on_time_rate: 1000,
			// its own first commitments: n1 1 day, n3 5 days
			median_days_to_commitment: 3,
		})
		expect(await computeIndicators(ctx.db, { orgKind: 'enterprise' }, { year: 2026 }, NOW)).toMatchObject({ funds_committed: 90_000, funds_verified: 40_000, consumption: 40_000, csr_investment: 200_000, villages_paired: 1, on_time_rate: 0 })
		// The mass org's only non-pledge is overdue.
		expect(await computeIndicators(ctx.db, { providerOrgId: w.K }, { year: 2026 }, NOW)).toMatchObject({ funds_committed: 0, on_time_rate: 0, villages_paired: 0 })
		expect(await countPairedVillages(ctx.db, { providerOrgId: w.E, regionCode: '513431000000' })).toBe(0)
	})

	it('by year and quarter', async () => {
		expect(await computeIndicators(ctx.db, { regionCode: '510000000000' }, { year: 2025 }, NOW)).toMatchObject({ funds_committed: 10_000, funds_verified: 10_000, coverage_rate: 1000 })
		expect(await computeIndicators(ctx.db, { regionCode: '510000000000' }, { year: 2026, quarter: 1 }, NOW)).toMatchObject({ funds_committed: 100_000, funds_verified: 60_000 })
		expect(await computeIndicators(ctx.db, { regionCode: '510000000000' }, { year: 2026, quarter: 2 }, NOW)).toMatchObject({ funds_committed: 50_000, funds_verified: 40_000, jobs: 15 })
		expect(await computeIndicators(ctx.db, { regionCode: '510000000000' }, { year: 2026, quarter: 3 }, NOW)).toMatchObject({ funds_committed: 0, funds_verified: 0 })
	})

	it('monthly trend, breakdowns and the drill-down ranking', async () => {
		const months = await monthlyVerified(ctx.db, { regionCode: '510000000000' }, 2026)
		expect(months.filter((m) => m.verifiedCount > 0)).toEqual([
			{ month: 3, verifiedFen: 60_000, verifiedCount: 1 },
			{ month: 5, verifiedFen: 40_000, verifiedCount: 1 },
			{ month: 6, verifiedFen: 0, verifiedCount: 1 },
		])
		expect(await verifiedBreakdown(ctx.db, { regionCode: '510000000000' }, { year: 2026 }, 'category')).toEqual([
			{ key: 'industry', verifiedFen: 60_000, verifiedCount: 1 },
			{ key: 'consumption', verifiedFen: 40_000, verifiedCount: 1 },
			{ key: 'employment', verifiedFen: 0, verifiedCount: 1 },
		])
		expect(await verifiedBreakdown(ctx.db, { regionCode: '510000000000' }, { year: 2026 }, 'orgKind')).toEqual([
			{ key: 'central_unit', verifiedFen: 60_000, verifiedCount: 2 },
			{ key: 'enterprise', verifiedFen: 40_000, verifiedCount: 1 },
		])
		expect(await regionRanking(ctx.db, '513400000000', ['513431000000', '513432000000', '513433000000'], { year: 2026 })).toEqual([
			{ code: '513431000000', verifiedFen: 100_000, verifiedCount: 3, needsPublished: 3, coverageRate: 717 },
			{ code: '513432000000', verifiedFen: 0, verifiedCount: 0, needsPublished: 1, coverageRate: 0 },
			{ code: '513433000000', verifiedFen: 0, verifiedCount: 0, needsPublished: 0, coverageRate: null },
		])
		const provinces = await regionRanking(ctx.db, null, [], { year: 2026 })
		expect(provinces).toEqual([{ code: '510000000000', verifiedFen: 100_000, verifiedCount: 3, needsPublished: 4, coverageRate: 538 }])
		const villages = await regionRanking(ctx.db, '513431100000', [], { year: 2026 })
		expect(villages.map((v) => [v.code, v.verifiedFen])).toEqual([
			[S, 60_000],
			[H, 40_000],
		])
	})
})

it('median', () => {
	expect(median([])).toBeNull()
	expect(median([3])).toBe(3)
	expect(median([5, 1, 4, 1])).toBe(2.5)
})
