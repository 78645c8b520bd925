// 工作报告 annual work reports (DOMAIN.md, 考核监督): one per subject (a region or a provider org)
// and year, written by an official who supervises the subject. The official writes the problems
// and next steps and picks typical cases (典型案例); the year's indicators against targets are
// computed when the report is shown, never stored.
//
// A typical case is a commitment verified (or verified and then closed) in the year whose village
// lies within the region (region subject) or whose provider is the org (org subject).
import { type Kysely, sql } from 'kysely'
import type { DB, Measure } from '#db/schema.ts'
import { chinaPeriod, formatChinaDate } from '#app/utils/china-date.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { formatMeasure } from '#app/utils/format.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { type AppraisalRow, checkYear, unsafeLatestAppraisal } from './appraisal.server.ts'
import { WorkReportSchema } from './appraisal.schema.ts'
import { VERIFIED_STATUSES } from './commitment/sum-commitment.server.ts'
import { recordEvent } from './event.server.ts'
import { type TargetRow, actualVsTarget, listTargets, scopeOf } from './indicator-target.server.ts'
import { computeIndicators } from './indicator.server.ts'
import type { Actor } from './policy.server.ts'
import { fullNames, withinRegion } from './region.server.ts'
import { type Subject, actingGovernmentOrg, requireSupervision } from './subject.server.ts'

export const CANDIDATE_LIMIT = 100

const arrived = sql<number>`coalesce(c.delivered_amount, c.amount)` // NOTE: raw SQL, snake_case

/** Verified commitments of the year within the subject's scope (the jurisdiction is in the where). */
function eligibleCommitments(db: Kysely<DB>, subject: Pick<Subject, 'type' | 'id'>, year: number) {
	const { start, end } = chinaPeriod(year)
	let q = db
		.selectFrom('commitment as c')
		.innerJoin('need as n', 'n.id', 'c.needId')
		.innerJoin('organization as p', 'p.id', 'c.providerOrgId')
		.where('c.status', 'in', [...VERIFIED_STATUSES])
		.where('c.verifiedAt', '>=', start)
		.where('c.verifiedAt', '<', end)
	q = subject.type === 'region' ? q.where(withinRegion('c.villageCode', subject.id)) : q.where('c.providerOrgId', '=', subject.id)
	return q
}

const CASE_COLUMNS = ['c.id', 'c.status', 'c.villageCode', 'c.verifiedAt', 'n.id as needId', 'n.title as needTitle', 'n.measure', 'n.unit', 'p.id as providerOrgId', 'p.name as providerName'] as const

export type CaseRow = {
	commitmentId: string
	needId: string
	needTitle: string
	villageCode: string
	/** Full name: 省 市 县 乡 村. */
	villageName: string
	providerOrgId: string
	providerName: string
	measure: Measure
	unit: string | null
	/** What arrived (the delivered amount, else the committed one): fen or whole units. */
	verifiedAmount: number
	/** The same, formatted by measure in the requested language (¥ or number and unit). */
	amountText: string
	verifiedAt: number
	/** YYYY-MM-DD, China. */
	verifiedOn: string
	note: string
}

type RawCase = { id: string; villageCode: string; verifiedAt: number | null; needId: string; needTitle: string; measure: Measure; unit: string | null; providerOrgId: string; providerName: string; verifiedAmount: number | string; note?: string }

async function toCases(db: Kysely<DB>, rows: RawCase[], language: string): Promise<CaseRow[]> {
	const names = await fullNames(db, [...new Set(rows.map((r) => r.villageCode))])
	return rows.map((r) => {
		const amount = Number(r.verifiedAmount)
		const verifiedAt = Number(r.verifiedAt ?? 0)
		return {
			commitmentId: r.id,
			needId: r.needId,
			needTitle: r.needTitle,
			villageCode: r.villageCode,
			villageName: names.get(r.villageCode) ?? r.villageCode,
			providerOrgId: r.providerOrgId,
			providerName: r.providerName,
			measure: r.measure,
			unit: r.unit,
			verifiedAmount: amount,
			amountText: formatMeasure(r.measure, amount, r.unit, language),
			verifiedAt,
			verifiedOn: formatChinaDate(verifiedAt),
			note: r.note ?? '',
		}
	})
}

/**
 * Commitments an official may pick as typical cases: verified in the year within the subject's
 * scope, newest verification first, at most CANDIDATE_LIMIT. Officials who supervise it only.
 */
export async function listCaseCandidates(db: Kysely<DB>, subject: Subject, year: number, actor: Actor, options: { language?: string } = {}): Promise<CaseRow[]> {
	requireSupervision(actor, subject)
	checkYear(year)
	const rows = await eligibleCommitments(db, subject, year)
		.select([...CASE_COLUMNS, arrived.as('verifiedAmount')])
		.orderBy('c.verifiedAt', 'desc')
		.orderBy('c.id', 'desc')
		.limit(CANDIDATE_LIMIT)
		.execute()
	return toCases(db, rows, options.language ?? 'zh-CN')
}

/**
 * Writes the subject's report for the year (creating it, or replacing its text and its cases, in
 * the given order). Officials who supervise the subject only; problems and next steps are
 * required; each case must be a commitment verified in that year within the subject's scope (the
 * error names the case's field `cases.<i>.commitmentId`); at most MAX_CASES. Nothing is written on
 * any error. Records an event.
 */
export async function saveWorkReport(
	db: Kysely<DB>,
	subject: Subject,
	year: number,
	input: { problems?: unknown; nextSteps?: unknown; cases?: unknown },
	actor: Actor,
	now = Date.now(),
): Promise<{ id: string; created: boolean }> {
	requireSupervision(actor, subject)
	checkYear(year)
	const parsed = WorkReportSchema.safeParse(input)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const { problems, nextSteps, cases } = parsed.data
	const seen = new Map<string, number>()
	cases.forEach((c, i) => {
		if (seen.has(c.commitmentId)) throw AppError.invalid({ [`cases.${i}.commitmentId`]: msg('report.errors.case_duplicate', { position: i + 1, id: c.commitmentId }) })
		seen.set(c.commitmentId, i)
	})
	const orgId = actingGovernmentOrg(actor, subject)

	return db.transaction().execute(async (trx) => {
		if (cases.length) {
			const found = await eligibleCommitments(trx, subject, year).select('c.id').where('c.id', 'in', [...seen.keys()]).execute()
			const ok = new Set(found.map((r) => r.id))
			const bad = cases.findIndex((c) => !ok.has(c.commitmentId))
			if (bad >= 0) throw AppError.invalid({ [`cases.${bad}.commitmentId`]: msg('report.errors.case_not_eligible', { position: bad + 1, id: cases[bad].commitmentId }) })
		}
		const existing = await trx
			.selectFrom('workReport')
			.select('id')
			.where('subjectType', '=', subject.type)
			.where('subjectId', '=', subject.id)
			.where('year', '=', year)
			.executeTakeFirst()
		const id = existing?.id ?? newId(now)
		if (existing) {
			await trx.updateTable('workReport').set({ problems, nextSteps, createdBy: actor.accountId, authorOrgId: orgId, updatedAt: now }).where('id', '=', id).execute()
			await trx.deleteFrom('workReportCase').where('reportId', '=', id).execute()
		} else {
			await trx
				.insertInto('workReport')
				.values({ id, subjectType: subject.type, subjectId: subject.id, year, problems, nextSteps, createdBy: actor.accountId, authorOrgId: orgId, createdAt: now, updatedAt: now })
				.execute()
		}
		if (cases.length) {
			await trx
				.insertInto('workReportCase')
				.values(cases.map((c, position) => ({ reportId: id, commitmentId: c.commitmentId, position, note: c.note })))
				.execute()
		}
		await recordEvent(
			trx,
			{
				entityType: 'work_report',
				entityId: id,
				action: existing ? 'update' : 'create',
				note: `${subject.type}:${subject.id}:${year}:${cases.length} cases`,
				actorAccountId: actor.accountId,
				actorOrgId: orgId || undefined,
				requestId: actor.requestId,
			},
			now,
		)
		return { id, created: !existing }
	})
}

export type WorkReport = {
	/** `name`: the region's or org's own name (紫云县); `fullName`: with the regions above it. */
	subject: { type: Subject['type']; id: string; name: string; fullName: string; orgKind: Subject['orgKind'] | null }
	year: number
	/** null until an official has written one; the figures show regardless. */
	report: { id: string; problems: string; nextSteps: string; authorName: string | null; authorOrgName: string | null; createdAt: number; updatedAt: number } | null
	/** Every indicator of the year against its target (INDICATORS order). */
	indicators: TargetRow[]
	cases: CaseRow[]
	/** The newest appraisal of the year, if any. */
	appraisal: AppraisalRow | null
}

/**
 * The subject's report for a year with everything a page, a print or an export shows. Officials
 * who supervise the subject only. `language` formats case amounts (zh-CN by default).
 */
export async function getWorkReport(db: Kysely<DB>, subject: Subject, year: number, actor: Actor, options: { now?: number; language?: string } = {}): Promise<WorkReport> {
	requireSupervision(actor, subject)
	checkYear(year)
	const now = options.now ?? Date.now()
	const language = options.language ?? 'zh-CN'
	const [report, actuals, targets, appraisal, fullName] = await Promise.all([
		db
			.selectFrom('workReport as r')
			.leftJoin('account as a', 'a.id', 'r.createdBy')
			.leftJoin('organization as o', 'o.id', 'r.authorOrgId')
			.select(['r.id', 'r.problems', 'r.nextSteps', 'r.createdAt', 'r.updatedAt', 'a.displayName as authorName', 'o.name as authorOrgName'])
			.where('r.subjectType', '=', subject.type)
			.where('r.subjectId', '=', subject.id)
			.where('r.year', '=', year)
			.executeTakeFirst(),
		computeIndicators(db, scopeOf(subject), { year }, now),
		listTargets(db, subject, year),
		unsafeLatestAppraisal(db, subject, year),
		subject.type === 'region' ? fullNames(db, [subject.id]).then((m) => m.get(subject.id) ?? subject.name) : Promise.resolve(subject.name),
	])
	let cases: CaseRow[] = []
	if (report) {
		const rows = await db
			.selectFrom('workReportCase as wc')
			.innerJoin('commitment as c', 'c.id', 'wc.commitmentId')
			.innerJoin('need as n', 'n.id', 'c.needId')
			.innerJoin('organization as p', 'p.id', 'c.providerOrgId')
			.select([...CASE_COLUMNS, arrived.as('verifiedAmount'), 'wc.note'])
			.where('wc.reportId', '=', report.id)
			.orderBy('wc.position')
			.execute()
		cases = await toCases(db, rows, language)
	}
	return {
		subject: { type: subject.type, id: subject.id, name: subject.name, fullName, orgKind: subject.orgKind ?? null },
		year,
		report: report
			? {
					id: report.id,
					problems: report.problems,
					nextSteps: report.nextSteps,
					authorName: report.authorName ?? null,
					authorOrgName: report.authorOrgName ?? null,
					createdAt: Number(report.createdAt),
					updatedAt: Number(report.updatedAt),
				}
			: null,
		indicators: actualVsTarget(actuals, targets),
		cases,
		appraisal,
	}
}
