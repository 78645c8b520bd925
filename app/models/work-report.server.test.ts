// Annual work reports on both dialects. 昭觉县 513431 holds 三河村 S and 谷曲村 G; 喜德县 513432
// holds 光明村 M. "Now" is 2026-07-01.
import type { Kysely } from 'kysely'
import { beforeAll, expect, it } from 'vitest'
import type { CommitmentStatus, DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { appraise } from './appraisal.server.ts'
import { setTarget } from './indicator-target.server.ts'
import type { Actor } from './policy.server.ts'
import { type Subject, loadSubject } from './subject.server.ts'
import { getWorkReport, listCaseCandidates, saveWorkReport } from './work-report.server.ts'

const cn = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 4)
const NOW = cn(2026, 7, 1)
const S = '513431100201'
const G = '513431101201'
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

async function addNeed(db: Kysely<DB>, village: string, villageOrgId: string, n: { title: string; target: number; unit?: string }) {
	const id = newId()
	const at = cn(2026, 1, 10)
	await db
		.insertInto('need')
		.values({
			id,
			villageOrgId,
			villageCode: village,
			title: n.title,
			description: '',
			category: n.unit ? 'employment' : 'industry',
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
			submittedAt: at,
			publishedAt: at,
			closedAt: null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	return id
}

async function addCommitment(db: Kysely<DB>, needId: string, village: string, villageOrgId: string, providerOrgId: string, c: { status: CommitmentStatus; amount: number; delivered?: number; verifiedAt?: number }) {
	const id = newId()
	const at = cn(2025, 12, 1)
	await db
		.insertInto('commitment')
		.values({
			id,
			needId,
			offerId: null,
			providerOrgId,
			villageOrgId,
			villageCode: village,
			amount: c.amount,
			deliveredAmount: c.delivered ?? null,
			status: c.status,
			message: '',
			dueAt: cn(2026, 12, 1),
			lapseAt: at + 14 * 86_400_000,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: at,
			deliveryStartedAt: null,
			deliveredAt: c.verifiedAt ?? null,
			verifiedAt: c.verifiedAt ?? null,
			verifiedBy: c.verifiedAt ? 'official' : null,
			closedAt: null,
			createdBy: 'test',
			createdAt: at,
			updatedAt: at,
		})
		.execute()
	return id
}

describeDb('work reports', (ctx) => {
	let county: Actor
	let other: Actor
	let zhaojue: Subject
	let providerSubject: Subject
	let provider: string
	let c1: string // S, ¥1,200 delivered of ¥1,500, verified 2026-03-05, provider P
	let c2: string // G, 20 人, closed, verified 2026-05-20, provider P
	let c3: string // S, verified in 2025
	let c4: string // S, delivered, not verified
	let c5: string // M (喜德县), verified 2026, provider Q
	let c6: string // S, verified 2026-06-01, provider Q

	beforeAll(async () => {
		const db = ctx.db
		await seedRegions(db)
		county = await makeOfficial(db, '513431000000')
		other = await makeOfficial(db, '513432000000')
		const vS = await makeOrg(db, 'village', { regionCode: S })
		const vG = await makeOrg(db, 'village', { regionCode: G })
		const vM = await makeOrg(db, 'village', { regionCode: M })
		provider = await makeOrg(db, 'enterprise', { regionCode: '513431000000', name: '昭觉花椒合作企业' })
		const q = await makeOrg(db, 'social_org', { regionCode: '513432000000', name: '凉山公益基金会' })
		const n1 = await addNeed(db, S, vS, { title: '花椒烘干设备', target: 150_000 })
		const n2 = await addNeed(db, G, vG, { title: '劳务输出', target: 30, unit: '人' })
		const n3 = await addNeed(db, M, vM, { title: '光明村饮水工程', target: 80_000 })
		c1 = await addCommitment(db, n1, S, vS, provider, { status: 'verified', amount: 150_000, delivered: 120_000, verifiedAt: cn(2026, 3, 5) })
		c2 = await addCommitment(db, n2, G, vG, provider, { status: 'closed', amount: 20, verifiedAt: cn(2026, 5, 20) })
		c3 = await addCommitment(db, n1, S, vS, provider, { status: 'verified', amount: 10_000, verifiedAt: cn(2025, 11, 5) })
		c4 = await addCommitment(db, n1, S, vS, provider, { status: 'delivered', amount: 5_000 })
		c5 = await addCommitment(db, n3, M, vM, q, { status: 'verified', amount: 80_000, verifiedAt: cn(2026, 4, 1) })
		c6 = await addCommitment(db, n1, S, vS, q, { status: 'verified', amount: 20_000, verifiedAt: cn(2026, 6, 1) })
		zhaojue = await loadSubject(db, 'region', '513431000000')
		providerSubject = await loadSubject(db, 'org', provider)
	})

	it('lists case candidates in scope, verified in the year, newest first', async () => {
		const region = await listCaseCandidates(ctx.db, zhaojue, 2026, county)
		expect(region.map((c) => c.commitmentId)).toEqual([c6, c2, c1])
		expect(region[2]).toMatchObject({
			needTitle: '花椒烘干设备',
			villageName: '四川省 凉山彝族自治州 昭觉县 新城镇 三河村',
			providerName: '昭觉花椒合作企业',
			verifiedAmount: 120_000,
			amountText: '¥1,200',
			verifiedOn: '2026-03-05',
		})
		expect(region[1]).toMatchObject({ verifiedAmount: 20, amountText: '20 人', villageName: '四川省 凉山彝族自治州 昭觉县 谷曲乡 谷曲村' })
		const org = await listCaseCandidates(ctx.db, providerSubject, 2026, county)
		expect(org.map((c) => c.commitmentId)).toEqual([c2, c1])
		expect((await listCaseCandidates(ctx.db, zhaojue, 2025, county)).map((c) => c.commitmentId)).toEqual([c3])
		expect((await refusal(listCaseCandidates(ctx.db, zhaojue, 2026, other))).code).toBe('forbidden')
	})

	it('saves one report per subject and year, replacing its cases in the given order, with events', async () => {
		const first = await saveWorkReport(ctx.db, zhaojue, 2026, { problems: ' 部分承诺交付滞后 ', nextSteps: '加强督导', cases: [{ commitmentId: c1, note: '烘干设备投产' }, { commitmentId: c6 }] }, county, NOW)
		expect(first.created).toBe(true)
		const again = await saveWorkReport(ctx.db, zhaojue, 2026, { problems: '交付滞后', nextSteps: '限期整改', cases: [{ commitmentId: c2, note: '20 人稳定就业' }, { commitmentId: c1, note: '烘干设备投产' }] }, county, NOW + 1000)
		expect(again).toEqual({ id: first.id, created: false })
		expect(await ctx.db.selectFrom('workReport').select('id').where('subjectId', '=', zhaojue.id).execute()).toHaveLength(1)
		const cases = await ctx.db.selectFrom('workReportCase').select(['commitmentId', 'position', 'note']).where('reportId', '=', first.id).orderBy('position').execute()
		expect(cases).toEqual([
			{ commitmentId: c2, position: 0, note: '20 人稳定就业' },
			{ commitmentId: c1, position: 1, note: '烘干设备投产' },
		])
		const events = await ctx.db.selectFrom('event').select('action').where('entityType', '=', 'work_report').where('entityId', '=', first.id).orderBy('createdAt').execute()
		expect(events.map((e) => e.action)).toEqual(['create', 'update'])
	})

	it('returns the report with indicators against targets, cases and the latest appraisal', async () => {
		await setTarget(ctx.db, zhaojue, 2026, 'funds_verified', '2800', county, NOW)
		await appraise(ctx.db, zhaojue, 2026, { grade: 'average', comment: '一般' }, county, NOW)
		await appraise(ctx.db, zhaojue, 2026, { grade: 'good', comment: '好' }, county, NOW + 5)
		const r = await getWorkReport(ctx.db, zhaojue, 2026, county, { now: NOW })
		expect(r.subject).toMatchObject({ type: 'region', name: '昭觉县', fullName: '四川省 凉山彝族自治州 昭觉县' })
		expect(r.report).toMatchObject({ problems: '交付滞后', nextSteps: '限期整改', authorName: county.displayName })
		// Verified money 2026 in 昭觉县: c1 120_000 + c6 20_000 = 140_000 fen against 280_000: 50 %.
		expect(r.indicators.find((i) => i.indicator === 'funds_verified')).toEqual({ indicator: 'funds_verified', unit: 'fen', actual: 140_000, target: 280_000, achievement: 500 })
		expect(r.indicators.find((i) => i.indicator === 'jobs')).toMatchObject({ actual: 20, target: null })
		expect(r.cases.map((c) => [c.commitmentId, c.needTitle, c.amountText, c.verifiedOn, c.note])).toEqual([
			[c2, '劳务输出', '20 人', '2026-05-20', '20 人稳定就业'],
			[c1, '花椒烘干设备', '¥1,200', '2026-03-05', '烘干设备投产'],
		])
		expect(r.appraisal).toMatchObject({ grade: 'good', comment: '好' })
		// Another year: no report, no appraisal, figures all the same.
		const empty = await getWorkReport(ctx.db, zhaojue, 2025, county, { now: NOW })
		expect(empty).toMatchObject({ report: null, cases: [], appraisal: null })
		expect(empty.indicators.find((i) => i.indicator === 'funds_verified')?.actual).toBe(10_000)
		expect((await refusal(getWorkReport(ctx.db, zhaojue, 2026, other))).code).toBe('forbidden')
	})

	it('refuses cases outside the scope or year, duplicates, too many, and missing text, writing nothing', async () => {
		const base = { problems: '问题', nextSteps: '措施' }
		const plain = await actorFor(ctx.db, (await makeAccount(ctx.db)).id)
		const before = [await countRows(ctx.db, 'workReport'), await countRows(ctx.db, 'workReportCase'), await countRows(ctx.db, 'event')]
		const stored = await ctx.db.selectFrom('workReport').select(['problems']).where('subjectId', '=', zhaojue.id).executeTakeFirstOrThrow()
		for (const [bad, at] of [
			[c5, 1], // another county
			[c3, 1], // verified in 2025
			[c4, 1], // not verified
			['01NOSUCHCOMMITMENT00000000', 1],
		] as const) {
			const e = await refusal(saveWorkReport(ctx.db, zhaojue, 2026, { ...base, cases: [{ commitmentId: c1 }, { commitmentId: bad }] }, county, NOW))
			expect(e.code).toBe('invalid')
			expect(e.fields).toEqual({ [`cases.${at}.commitmentId`]: `report.errors.case_not_eligible|${JSON.stringify({ position: 2, id: bad })}` })
		}
		// An org's report takes only its own commitments: c6 is another provider's.
		const foreign = await refusal(saveWorkReport(ctx.db, providerSubject, 2026, { ...base, cases: [{ commitmentId: c6 }] }, county, NOW))
		expect(foreign.fields).toEqual({ 'cases.0.commitmentId': `report.errors.case_not_eligible|${JSON.stringify({ position: 1, id: c6 })}` })
		const dup = await refusal(saveWorkReport(ctx.db, zhaojue, 2026, { ...base, cases: [{ commitmentId: c1 }, { commitmentId: c1 }] }, county, NOW))
		expect(dup.fields).toEqual({ 'cases.1.commitmentId': `report.errors.case_duplicate|${JSON.stringify({ position: 2, id: c1 })}` })
		const many = await refusal(saveWorkReport(ctx.db, zhaojue, 2026, { ...base, cases: Array.from({ length: 11 }, () => ({ commitmentId: c1 })) }, county, NOW))
		expect(many.fields).toEqual({ cases: 'report.errors.too_many_cases|{"max":10}' })
		const blank = await refusal(saveWorkReport(ctx.db, zhaojue, 2026, { problems: ' ', nextSteps: '' }, county, NOW))
		expect(blank.fields).toEqual({ problems: 'report.errors.problems_required', nextSteps: 'report.errors.next_steps_required' })
		const long = await refusal(saveWorkReport(ctx.db, zhaojue, 2026, { problems: '长'.repeat(5001), nextSteps: '措施' }, county, NOW))
		expect(long.fields).toEqual({ problems: 'report.errors.problems_too_long|{"max":5000}' })
		expect((await refusal(saveWorkReport(ctx.db, zhaojue, 2026, base, other, NOW))).code).toBe('forbidden')
		expect((await refusal(saveWorkReport(ctx.db, zhaojue, 2026, base, plain, NOW))).code).toBe('forbidden')
		expect([await countRows(ctx.db, 'workReport'), await countRows(ctx.db, 'workReportCase'), await countRows(ctx.db, 'event')]).toEqual(before)
		expect(await ctx.db.selectFrom('workReport').select(['problems']).where('subjectId', '=', zhaojue.id).executeTakeFirstOrThrow()).toEqual(stored)
	})

	it('an org report with its own cases', async () => {
		await saveWorkReport(ctx.db, providerSubject, 2026, { problems: '问题', nextSteps: '措施', cases: [{ commitmentId: c1 }, { commitmentId: c2 }] }, county, NOW)
		const r = await getWorkReport(ctx.db, providerSubject, 2026, county, { now: NOW, language: 'en' })
		expect(r.subject).toMatchObject({ type: 'org', name: '昭觉花椒合作企业', fullName: '昭觉花椒合作企业', orgKind: 'enterprise' })
		expect(r.cases.map((c) => c.amountText)).toEqual(['¥1,200', '20 人'])
		expect(r.indicators.find((i) => i.indicator === 'funds_verified')?.actual).toBe(120_000)
	})
})
