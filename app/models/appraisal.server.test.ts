// Appraisal scores against a hand-built world on both dialects. 昭觉县 513431 holds 三河村 S;
// 喜德县 513432 holds 光明村 M. Everything happens in 2026, "now" is 2026-07-01.
import type { Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { CommitmentStatus, DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { appraise, computeAppraisalScore, listAppraisals } from './appraisal.server.ts'
import { setTarget } from './indicator-target.server.ts'
import type { Actor } from './policy.server.ts'
import { loadSubject } from './subject.server.ts'

const cn = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 4)
const NOW = cn(2026, 7, 1)
const S = '513431100201'
const M = '513432100201'

async function refusal(p: Promise<unknown>): Promise<AppError> {
	try {
		await p
	} catch (e) {
		if (e instanceof AppError) return e
		throw e
	}
	throw new Error('expected an AppError')
}

async function addNeed(db: Kysely<DB>, village: string, villageOrgId: string, target: number, publishedAt: number) {
	const id = newId()
	await db
		.insertInto('need')
		.values({
			id,
			villageOrgId,
			villageCode: village,
			title: `需求 ${id}`,
			description: '',
			category: 'industry',
			measure: 'amount',
			unit: null,
			target,
			urgency: 'normal',
			neededBy: cn(2026, 12, 31),
			status: 'published',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: null,
			submittedAt: publishedAt,
			publishedAt,
			closedAt: null,
			createdBy: 'test',
			createdAt: publishedAt,
			updatedAt: publishedAt,
		})
		.execute()
	return id
}

async function addCommitment(db: Kysely<DB>, needId: string, village: string, villageOrgId: string, providerOrgId: string, c: { status: CommitmentStatus; amount: number; createdAt: number; verifiedAt?: number; dueAt: number }) {
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
			deliveredAmount: null,
			status: c.status,
			message: '',
			dueAt: c.dueAt,
			lapseAt: c.createdAt + 14 * 86_400_000,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: c.createdAt,
			deliveryStartedAt: null,
			deliveredAt: c.verifiedAt ?? null,
			verifiedAt: c.verifiedAt ?? null,
			verifiedBy: c.verifiedAt ? 'official' : null,
			closedAt: null,
			createdBy: 'test',
			createdAt: c.createdAt,
			updatedAt: c.createdAt,
		})
		.execute()
}

async function addAccountability(db: Kysely<DB>, subjectType: 'region' | 'org', subjectId: string, status: 'open' | 'closed') {
	await db
		.insertInto('accountabilityRecord')
		.values({ id: newId(), subjectType, subjectId, regionCode: '513431000000', failure: '未按期交付', measures: '通报批评', status, recordedBy: 'x', recorderOrgId: 'y', closeNote: null, closedBy: null, closedAt: null, createdAt: NOW })
		.execute()
}

async function addInterview(db: Kysely<DB>, subjectType: 'region' | 'org', subjectId: string, deadline: number, status: 'open' | 'rectified') {
	await db
		.insertInto('interview')
		.values({
			id: newId(),
			subjectType,
			subjectId,
			regionCode: '513431000000',
			heldAt: cn(2026, 3, 1),
			interviewerId: 'x',
			interviewerOrgId: 'y',
			attendees: '张三',
			issues: '进度慢',
			rectification: '限期整改',
			deadline,
			status,
			remindedAt: null,
			closedAt: null,
			createdAt: cn(2026, 3, 1),
			updatedAt: cn(2026, 3, 1),
		})
		.execute()
}

describeDb('appraisal', (ctx) => {
	let county: Actor
	let other: Actor
	let provider: string
	let zhaojue: Awaited<ReturnType<typeof loadSubject>>

	beforeAll(async () => {
		const db = ctx.db
		await seedRegions(db)
		county = await makeOfficial(db, '513431000000')
		other = await makeOfficial(db, '513432000000')
		const vS = await makeOrg(db, 'village', { regionCode: S })
		const vM = await makeOrg(db, 'village', { regionCode: M })
		provider = await makeOrg(db, 'enterprise', { regionCode: '513431000000' })
		// 昭觉县 in 2026: need n1 (¥1,000) fully verified on time (¥1,000 verified, due 3-10, verified
		// 3-05); need n2 (¥2,000) with one commitment due 4-01 still accepted (overdue at NOW).
		// → funds_verified = 100_000 fen, on_time_rate = 1 of 2 = 500‰, coverage = (1 + 0) / 2 = 500‰.
		const n1 = await addNeed(db, S, vS, 100_000, cn(2026, 2, 1))
		const n2 = await addNeed(db, S, vS, 200_000, cn(2026, 2, 1))
		await addCommitment(db, n1, S, vS, provider, { status: 'verified', amount: 100_000, createdAt: cn(2026, 2, 2), verifiedAt: cn(2026, 3, 5), dueAt: cn(2026, 3, 10) })
		await addCommitment(db, n2, S, vS, provider, { status: 'accepted', amount: 50_000, createdAt: cn(2026, 2, 3), dueAt: cn(2026, 4, 1) })
		// 喜德县: one need, nothing committed: coverage 0, no on-time rate.
		await addNeed(db, M, vM, 10_000, cn(2026, 2, 1))
		zhaojue = await loadSubject(db, 'region', '513431000000')
	})

	it('without targets scores the on-time rate and the coverage rate, equally weighted', async () => {
		const s = await computeAppraisalScore(ctx.db, zhaojue, 2026, NOW)
		expect(s).toMatchObject({ basis: 'default', score: 500, earned: 500, deducted: 0 })
		expect(s.lines).toEqual([
			{ code: 'on_time_rate', kind: 'indicator', unit: 'permille', actual: 500, target: null, achievement: 0.5, weight: 0.5, points: 25 },
			{ code: 'coverage_rate', kind: 'indicator', unit: 'permille', actual: 500, target: null, achievement: 0.5, weight: 0.5, points: 25 },
		])
		// An org: the on-time rate alone (1 of 2 → 50.0). A region with no rate at all: 0 for it.
		const org = await computeAppraisalScore(ctx.db, await loadSubject(ctx.db, 'org', provider), 2026, NOW)
		expect(org).toMatchObject({ basis: 'default', score: 500 })
		expect(org.lines).toEqual([{ code: 'on_time_rate', kind: 'indicator', unit: 'permille', actual: 500, target: null, achievement: 0.5, weight: 1, points: 50 }])
		const xide = await computeAppraisalScore(ctx.db, await loadSubject(ctx.db, 'region', '513432000000'), 2026, NOW)
		expect(xide.score).toBe(0)
		expect(xide.lines.map((l) => [l.code, l.actual, l.points])).toEqual([
			['on_time_rate', null, 0],
			['coverage_rate', 0, 0],
		])
	})

	it('with targets: two targets at 50 % and 100 % achievement score 75.0, then deductions', async () => {
		// funds_verified ¥2,000 → 100_000 / 200_000 = 50 %; on-time 40 % → 500 ≥ 400, capped at 100 %.
		await setTarget(ctx.db, zhaojue, 2026, 'funds_verified', '2000', county, NOW)
		await setTarget(ctx.db, zhaojue, 2026, 'on_time_rate', '40', county, NOW)
		const s = await computeAppraisalScore(ctx.db, zhaojue, 2026, NOW)
		expect(s).toMatchObject({ basis: 'targets', score: 750, earned: 750, deducted: 0 })
		expect(s.lines).toEqual([
			{ code: 'funds_verified', kind: 'indicator', unit: 'fen', actual: 100_000, target: 200_000, achievement: 0.5, weight: 0.5, points: 25 },
			{ code: 'on_time_rate', kind: 'indicator', unit: 'permille', actual: 500, target: 400, achievement: 1, weight: 0.5, points: 50 },
		])

		// One open accountability record (−5), a closed one (nothing), an interview open past its
		// deadline (−2), one open but not yet due and one rectified (nothing): 75 − 7 = 68.0.
		await addAccountability(ctx.db, 'region', zhaojue.id, 'open')
		await addAccountability(ctx.db, 'region', zhaojue.id, 'closed')
		await addAccountability(ctx.db, 'region', '513432000000', 'open')
		await addInterview(ctx.db, 'region', zhaojue.id, cn(2026, 6, 1), 'open')
		await addInterview(ctx.db, 'region', zhaojue.id, cn(2026, 8, 1), 'open')
		await addInterview(ctx.db, 'region', zhaojue.id, cn(2026, 5, 1), 'rectified')
		const d = await computeAppraisalScore(ctx.db, zhaojue, 2026, NOW)
		expect(d).toMatchObject({ score: 680, earned: 750, deducted: 70 })
		expect(d.lines.slice(2)).toEqual([
			{ code: 'open_accountability', kind: 'deduction', unit: 'count', actual: 1, target: null, achievement: null, weight: null, points: -5 },
			{ code: 'overdue_interview', kind: 'deduction', unit: 'count', actual: 1, target: null, achievement: null, weight: null, points: -2 },
		])
	})

	it('days to a first commitment: lower is better; three equal weights add up to the total', async () => {
		const township = await loadSubject(ctx.db, 'region', '513431100000')
		// Both needs were first answered 1 and 2 days after publication: median 1.5 days.
		// Target 3 days → met (1); funds ¥3,000 → 1/3; on-time 100 % → 0.5. (1 + 1/3 + 0.5)/3 × 100 = 61.1.
		await setTarget(ctx.db, township, 2026, 'median_days_to_commitment', '3', county, NOW)
		await setTarget(ctx.db, township, 2026, 'funds_verified', '3000', county, NOW)
		await setTarget(ctx.db, township, 2026, 'on_time_rate', '100', county, NOW)
		const s = await computeAppraisalScore(ctx.db, township, 2026, NOW)
		expect(s.score).toBe(611)
		expect(s.lines.map((l) => [l.code, l.actual, l.achievement, l.weight, l.points])).toEqual([
			['funds_verified', 100_000, 0.3333, 0.3333, 11.1],
			['on_time_rate', 500, 0.5, 0.3333, 16.7],
			['median_days_to_commitment', 1.5, 1, 0.3333, 33.3],
		])
		expect(s.lines.reduce((sum, l) => sum + l.points * 10, 0)).toBeCloseTo(611)
		// 1.5 days against a 1-day target: 1 / 1.5.
		await setTarget(ctx.db, township, 2026, 'median_days_to_commitment', '1', county, NOW)
		const slower = await computeAppraisalScore(ctx.db, township, 2026, NOW)
		expect(slower.lines.find((l) => l.code === 'median_days_to_commitment')?.achievement).toBe(0.6667)
	})

	it('floors at zero when deductions exceed the points', async () => {
		const xide = await loadSubject(ctx.db, 'region', '513432000000')
		const s = await computeAppraisalScore(ctx.db, xide, 2026, NOW)
		expect(s).toMatchObject({ score: 0, earned: 0, deducted: 50 })
	})

	it('an official appraises with grade and comment; history is kept newest first; an event is recorded', async () => {
		const first = await appraise(ctx.db, zhaojue, 2026, { grade: 'fairly_good', comment: '  资金到位较好，按期交付需加强。 ' }, county, NOW)
		expect(first).toMatchObject({ score: 680, grade: 'fairly_good', comment: '资金到位较好，按期交付需加强。' })
		const second = await appraise(ctx.db, zhaojue, 2026, { grade: 'good', comment: '整改到位' }, county, NOW + 1000)
		const list = await listAppraisals(ctx.db, zhaojue, county)
		expect(list.map((a) => [a.id, a.grade, a.score])).toEqual([
			[second.id, 'good', 680],
			[first.id, 'fairly_good', 680],
		])
		expect(list[0].appraiserName).toBe(county.displayName)
		expect(list[0].appraiserOrgName).toBe(county.memberships[0].orgName)
		expect(list[0].breakdown?.lines.map((l) => l.code)).toEqual(['funds_verified', 'on_time_rate', 'open_accountability', 'overdue_interview'])
		const row = await ctx.db.selectFrom('appraisal').select(['score', 'breakdown', 'appraisedBy', 'appraiserOrgId']).where('id', '=', first.id).executeTakeFirstOrThrow()
		expect(Number(row.score)).toBe(680)
		expect(JSON.parse(row.breakdown).lines[0]).toMatchObject({ code: 'funds_verified', points: 25 })
		expect(row.appraisedBy).toBe(county.accountId)
		expect(row.appraiserOrgId).toBe(county.memberships[0].orgId)
		const events = await ctx.db.selectFrom('event').select(['action', 'toState']).where('entityType', '=', 'appraisal').where('entityId', '=', first.id).execute()
		expect(events).toEqual([{ action: 'create', toState: 'fairly_good' }])
		expect(await listAppraisals(ctx.db, zhaojue, county, { year: 2025 })).toEqual([])
	})

	it('refuses a grade without a comment, a bad grade, a bad year, and officials outside the jurisdiction, writing nothing', async () => {
		const plain = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		const before = [await countRows(ctx.db, 'appraisal'), await countRows(ctx.db, 'event')]
		const noComment = await refusal(appraise(ctx.db, zhaojue, 2026, { grade: 'good', comment: '   ' }, county, NOW))
		expect(noComment.code).toBe('invalid')
		expect(noComment.fields).toEqual({ comment: 'report.errors.comment_required' })
		expect((await refusal(appraise(ctx.db, zhaojue, 2026, { grade: 'good' }, county, NOW))).fields).toEqual({ comment: 'report.errors.comment_required' })
		expect((await refusal(appraise(ctx.db, zhaojue, 2026, { grade: 'excellent', comment: '好' }, county, NOW))).fields).toEqual({ grade: 'report.errors.grade' })
		expect((await refusal(appraise(ctx.db, zhaojue, 2026, { grade: 'good', comment: '长'.repeat(2001) }, county, NOW))).fields).toEqual({ comment: 'report.errors.comment_too_long|{"max":2000}' })
		expect((await refusal(appraise(ctx.db, zhaojue, 1999, { grade: 'good', comment: '好' }, county, NOW))).fields).toEqual({ year: 'report.errors.year|{"min":2021,"max":2100}' })
		expect((await refusal(appraise(ctx.db, zhaojue, 2026, { grade: 'good', comment: '好' }, other, NOW))).code).toBe('forbidden')
		expect((await refusal(appraise(ctx.db, zhaojue, 2026, { grade: 'good', comment: '好' }, plain, NOW))).code).toBe('forbidden')
		expect((await refusal(listAppraisals(ctx.db, zhaojue, other))).code).toBe('forbidden')
		// A provider without a region: a national admin only.
		const central = await loadSubject(ctx.db, 'org', await makeOrg(ctx.db, 'central_unit'))
		expect((await refusal(appraise(ctx.db, central, 2026, { grade: 'good', comment: '好' }, county, NOW))).code).toBe('forbidden')
		expect([await countRows(ctx.db, 'appraisal'), await countRows(ctx.db, 'event')]).toEqual(before)
	})
})
