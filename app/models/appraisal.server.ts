// 实绩考核 appraisal (DOMAIN.md, 考核监督): a computed score out of 100 with a breakdown anyone can
// follow, plus the official's grade (好 / 较好 / 一般 / 差) and comment. Every appraisal is kept; the
// newest for a subject and year is the current one.
//
// The score, in tenths of a point (0..1000):
// | basis    | components                                                                        |
// |----------|-----------------------------------------------------------------------------------|
// | targets  | every indicator with a target for the subject and year, equally weighted;          |
// |          | achievement = min(actual / target, 1) (days to a first commitment: min(target /    |
// |          | actual, 1)); no actual → 0; a target of 0 is met                                   |
// | default  | no target set: the on-time rate and, for a region, the need coverage rate, as      |
// |          | fractions of 1000, equally weighted; no rate (nothing to compute it from) → 0       |
// then minus ACCOUNTABILITY_DEDUCTION per open accountability record about the subject and
// OVERDUE_INTERVIEW_DEDUCTION per interview about it still open past its deadline, floored at 0.
// Component points are apportioned (largest remainder) so the lines add up to the total shown.
import type { Kysely } from 'kysely'
import type { AppraisalGrade, DB } from '#db/schema.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { newId } from '#app/utils/id.ts'
import { ACCOUNTABILITY_DEDUCTION, AppraisalSchema, OVERDUE_INTERVIEW_DEDUCTION } from './appraisal.schema.ts'
import { recordEvent } from './event.server.ts'
import { INDICATORS, INDICATOR_UNITS, type IndicatorCode, type IndicatorUnit, LOWER_IS_BETTER, computeIndicators } from './indicator.server.ts'
import { MAX_YEAR, MIN_YEAR, listTargets, scopeOf } from './indicator-target.server.ts'
import type { Actor } from './policy.server.ts'
import { type Subject, actingGovernmentOrg, requireSupervision } from './subject.server.ts'

export const DEDUCTIONS = ['open_accountability', 'overdue_interview'] as const
export type DeductionCode = (typeof DEDUCTIONS)[number]

export type ScoreLine = {
	code: IndicatorCode | DeductionCode
	kind: 'indicator' | 'deduction'
	/** The indicator's unit; 'count' for deductions (actual = how many records or interviews). */
	unit: IndicatorUnit | 'count'
	actual: number | null
	/** null on the default basis and for deductions. */
	target: number | null
	/** 0..1, capped, four decimals; null for deductions. */
	achievement: number | null
	/** Share of the 100 points, 0..1, four decimals; null for deductions. */
	weight: number | null
	/** Points out of 100, one decimal; negative for deductions. */
	points: number
}

export type AppraisalScore = {
	year: number
	basis: 'targets' | 'default'
	/** Tenths of a point, 0..1000 (75.0 → 750). */
	score: number
	/** Points earned by the components and taken off, in tenths, before the floor at 0. */
	earned: number
	deducted: number
	lines: ScoreLine[]
}

export function checkYear(year: number): void {
	if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) throw AppError.invalid({ year: msg('report.errors.year', { min: MIN_YEAR, max: MAX_YEAR }) })
}

function achievementOf(indicator: IndicatorCode, actual: number | null, target: number): number {
	if (actual === null) return 0
	if (LOWER_IS_BETTER.has(indicator)) {
		if (actual <= 0) return 1
		return Math.min(target / actual, 1)
	}
	if (target <= 0) return 1
	return Math.max(0, Math.min(actual / target, 1))
}

/** Integer tenths for each raw share that add up to the rounded total (largest remainder). */
function apportion(raw: number[]): number[] {
	const total = Math.round(raw.reduce((s, x) => s + x, 0) + 1e-9)
	const floors = raw.map((x) => Math.floor(x + 1e-9))
	let left = total - floors.reduce((s, x) => s + x, 0)
	const order = raw.map((x, i) => ({ i, frac: x - floors[i] })).sort((a, b) => b.frac - a.frac || a.i - b.i)
	for (const { i } of order) {
		if (left <= 0) break
		floors[i] += 1
		left -= 1
	}
	return floors
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000

/**
 * The computed score of a subject for a year, as of `now` (which commitments are overdue, which
 * interviews are past their deadline). Checks no permission: the figures are those of the public
 * indicators; the appraisal page checks supervision before showing it.
 */
export async function computeAppraisalScore(db: Kysely<DB>, subject: Pick<Subject, 'type' | 'id'>, year: number, now = Date.now()): Promise<AppraisalScore> {
	checkYear(year)
	const [actuals, targets, accountability, interviews] = await Promise.all([
		computeIndicators(db, scopeOf(subject), { year }, now),
		listTargets(db, subject, year),
		db
			.selectFrom('accountabilityRecord')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('subjectType', '=', subject.type)
			.where('subjectId', '=', subject.id)
			.where('status', '=', 'open')
			.executeTakeFirstOrThrow(),
		db
			.selectFrom('interview')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('subjectType', '=', subject.type)
			.where('subjectId', '=', subject.id)
			.where('status', '=', 'open')
			.where('deadline', '<', now)
			.executeTakeFirstOrThrow(),
	])

	const targeted = INDICATORS.filter((i) => targets[i] !== undefined)
	const basis = targeted.length ? 'targets' : 'default'
	const components: Array<{ code: IndicatorCode; actual: number | null; target: number | null; achievement: number }> = targeted.length
		? targeted.map((code) => ({ code, actual: actuals[code], target: targets[code] as number, achievement: achievementOf(code, actuals[code], targets[code] as number) }))
		: (subject.type === 'region' ? (['on_time_rate', 'coverage_rate'] as const) : (['on_time_rate'] as const)).map((code) => {
				const actual = actuals[code]
				return { code, actual, target: null, achievement: actual === null ? 0 : Math.max(0, Math.min(actual / 1000, 1)) }
			})
	const weight = 1 / components.length
	const tenths = apportion(components.map((c) => weight * c.achievement * 1000))
	const lines: ScoreLine[] = components.map((c, i) => ({
		code: c.code,
		kind: 'indicator',
		unit: INDICATOR_UNITS[c.code],
		actual: c.actual,
		target: c.target,
		achievement: round4(c.achievement),
		weight: round4(weight),
		points: tenths[i] / 10,
	}))
	const earned = tenths.reduce((s, x) => s + x, 0)

	const openRecords = Number(accountability.n)
	const overdueInterviews = Number(interviews.n)
	const deductions: Array<[DeductionCode, number, number]> = [
		['open_accountability', openRecords, ACCOUNTABILITY_DEDUCTION],
		['overdue_interview', overdueInterviews, OVERDUE_INTERVIEW_DEDUCTION],
	]
	let deducted = 0
	for (const [code, count, each] of deductions) {
		if (!count) continue
		deducted += count * each * 10
		lines.push({ code, kind: 'deduction', unit: 'count', actual: count, target: null, achievement: null, weight: null, points: -count * each })
	}
	return { year, basis, score: Math.max(0, earned - deducted), earned, deducted, lines }
}

export type AppraisalRow = {
	id: string
	year: number
	score: number
	breakdown: AppraisalScore | null
	grade: AppraisalGrade
	comment: string
	appraiserName: string | null
	appraiserOrgName: string | null
	createdAt: number
}

function parseBreakdown(raw: string): AppraisalScore | null {
	try {
		return JSON.parse(raw) as AppraisalScore
	} catch {
		return null
	}
}

/**
 * Records an appraisal: the score computed now, its breakdown, the official's grade and comment.
 * Only officials who supervise the subject; a bad grade or a missing comment is refused with a
 * field error and nothing is written. Every appraisal is a new row (history is kept).
 */
export async function appraise(db: Kysely<DB>, subject: Subject, year: number, input: { grade?: unknown; comment?: unknown }, actor: Actor, now = Date.now()): Promise<AppraisalRow> {
	requireSupervision(actor, subject)
	checkYear(year)
	const parsed = AppraisalSchema.safeParse(input)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const orgId = actingGovernmentOrg(actor, subject)
	const score = await computeAppraisalScore(db, subject, year, now)
	const id = newId(now)
	await db.transaction().execute(async (trx) => {
		await trx
			.insertInto('appraisal')
			.values({
				id,
				subjectType: subject.type,
				subjectId: subject.id,
				year,
				score: score.score,
				breakdown: JSON.stringify(score),
				grade: parsed.data.grade,
				comment: parsed.data.comment,
				appraisedBy: actor.accountId,
				appraiserOrgId: orgId,
				createdAt: now,
			})
			.execute()
		await recordEvent(
			trx,
			{
				entityType: 'appraisal',
				entityId: id,
				action: 'create',
				toState: parsed.data.grade,
				note: `${subject.type}:${subject.id}:${year}:${score.score}`,
				actorAccountId: actor.accountId,
				actorOrgId: orgId || undefined,
				requestId: actor.requestId,
			},
			now,
		)
	})
	return { id, year, score: score.score, breakdown: score, grade: parsed.data.grade, comment: parsed.data.comment, appraiserName: actor.displayName, appraiserOrgName: actor.memberships.find((m) => m.orgId === orgId)?.orgName ?? null, createdAt: now }
}

function appraisalQuery(db: Kysely<DB>, subject: Pick<Subject, 'type' | 'id'>) {
	return db
		.selectFrom('appraisal as a')
		.leftJoin('account as ac', 'ac.id', 'a.appraisedBy')
		.leftJoin('organization as o', 'o.id', 'a.appraiserOrgId')
		.select(['a.id', 'a.year', 'a.score', 'a.breakdown', 'a.grade', 'a.comment', 'a.createdAt', 'ac.displayName as appraiserName', 'o.name as appraiserOrgName'])
		.where('a.subjectType', '=', subject.type)
		.where('a.subjectId', '=', subject.id)
		.orderBy('a.createdAt', 'desc')
		.orderBy('a.id', 'desc')
}

type RawAppraisal = Awaited<ReturnType<ReturnType<typeof appraisalQuery>['execute']>>[number]

function toRow(r: RawAppraisal): AppraisalRow {
	return {
		id: r.id,
		year: Number(r.year),
		score: Number(r.score),
		breakdown: parseBreakdown(r.breakdown),
		grade: r.grade,
		comment: r.comment,
		appraiserName: r.appraiserName ?? null,
		appraiserOrgName: r.appraiserOrgName ?? null,
		createdAt: Number(r.createdAt),
	}
}

/** The subject's appraisals (of one year, if given), newest first. Officials who supervise it only. */
export async function listAppraisals(db: Kysely<DB>, subject: Subject, actor: Actor, options: { year?: number } = {}): Promise<AppraisalRow[]> {
	requireSupervision(actor, subject)
	let q = appraisalQuery(db, subject)
	if (options.year !== undefined) q = q.where('a.year', '=', options.year)
	return (await q.limit(200).execute()).map(toRow)
}

/**
 * The current (newest) appraisal of a subject for a year. NOTE: no permission check; callers
 * have checked supervision already (getWorkReport).
 */
export async function unsafeLatestAppraisal(db: Kysely<DB>, subject: Pick<Subject, 'type' | 'id'>, year: number): Promise<AppraisalRow | null> {
	const row = await appraisalQuery(db, subject).where('a.year', '=', year).limit(1).executeTakeFirst()
	return row ? toRow(row) : null
}
