// Indicators (考核指标): computed from the records, never typed in. Money and people count only
// when an official has verified them (commitments verified or closed; CSR projects with a
// verified investment); the funds pipeline also shows what was committed (accepted or later, never
// a mere pledge) and what the village confirmed as delivered. docs/indicators.md defines each one.
//
// A scope is a region (every village below it), a provider org, an org kind, or a combination;
// a period is a China calendar year or one quarter of it. Verified totals are public (the
// leaderboard shows them), so these functions check no permission: pages that show a
// jurisdiction's dashboard check supervision first (subject.server.ts).
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import type { DB, NeedCategory, OrgKind } from '#db/schema.ts'
import { DAY_MS, chinaMonthPeriod, chinaPeriod } from '#app/utils/china-date.ts'
import { COUNTED_STATUSES, DELIVERED_STATUSES, VERIFIED_STATUSES } from './commitment/sum-commitment.server.ts'
import { OVERDUE_STATUSES } from './commitment/query-commitment.server.ts'
import { isRegionCode, levelOfCode, regionPrefix } from './region-code.ts'
import { withinRegion } from './region.server.ts'

export const INDICATORS = [
	'funds_committed',
	'funds_delivered',
	'funds_verified',
	'csr_investment',
	'consumption',
	'jobs',
	'trained',
	'villages_paired',
	'coverage_rate',
	'on_time_rate',
	'median_days_to_commitment',
] as const
export type IndicatorCode = (typeof INDICATORS)[number]

export type IndicatorUnit = 'fen' | 'people' | 'villages' | 'permille' | 'days'
export const INDICATOR_UNITS: Record<IndicatorCode, IndicatorUnit> = {
	funds_committed: 'fen',
	funds_delivered: 'fen',
	funds_verified: 'fen',
	csr_investment: 'fen',
	consumption: 'fen',
	jobs: 'people',
	trained: 'people',
	villages_paired: 'villages',
	coverage_rate: 'permille',
	on_time_rate: 'permille',
	median_days_to_commitment: 'days',
}
/** Lower is better only for the days to a first commitment. */
export const LOWER_IS_BETTER: ReadonlySet<IndicatorCode> = new Set(['median_days_to_commitment'])

/** Units of a quantity need that count people (jobs, trainees). Free text on needs, so a list. */
export const PERSON_UNITS = ['人', '人次', '名', '位', '个人', 'people', 'persons', 'person']
export const JOB_CATEGORIES: readonly NeedCategory[] = ['employment']
export const TRAINING_CATEGORIES: readonly NeedCategory[] = ['talent', 'education']

export type IndicatorScope = {
	/** A region code at any level: villages inside it. */
	regionCode?: string
	providerOrgId?: string
	/** The provider's kind. */
	orgKind?: OrgKind
}
export type Period = { year: number; quarter?: 1 | 2 | 3 | 4 }
/** null: the indicator does not apply to the scope, or there is nothing to compute it from. */
export type Indicators = Record<IndicatorCode, number | null>

type C = ExpressionBuilder<DB & { c: DB['commitment']; n: DB['need']; p: DB['organization'] }, 'c' | 'n' | 'p'>

function inPeriod(eb: C, column: 'c.acceptedAt' | 'c.deliveredAt' | 'c.verifiedAt' | 'c.dueAt', period: { start: number; end: number }): Expression<SqlBool> {
	return eb.and([eb(column, '>=', period.start), eb(column, '<', period.end)])
}

/** The region of a scope, checked; undefined for no region. */
function scopeRegion(regionCode: string | undefined): string | undefined {
	if (!regionCode) return undefined
	if (!isRegionCode(regionCode)) throw new Error(`not a region code: ${regionCode}`)
	return regionCode
}

/** Commitments of the scope, with their need and provider (not pledged ones: they never count). */
function scopedCommitments(db: Kysely<DB>, scope: IndicatorScope) {
	let q = db
		.selectFrom('commitment as c')
		.innerJoin('need as n', 'n.id', 'c.needId')
		.innerJoin('organization as p', 'p.id', 'c.providerOrgId')
		.where('c.status', 'in', [...COUNTED_STATUSES])
	const region = scopeRegion(scope.regionCode)
	if (region) q = q.where(withinRegion('c.villageCode', region))
	if (scope.providerOrgId) q = q.where('c.providerOrgId', '=', scope.providerOrgId)
	if (scope.orgKind) q = q.where('p.kind', '=', scope.orgKind)
	return q
}

const arrived = sql<number>`coalesce(c.delivered_amount, c.amount)` // NOTE: raw SQL, snake_case

/** Sum of `value` over the rows where `when` holds (0 when none). */
function sumWhen(eb: C, when: Expression<SqlBool>, value: Expression<number>) {
	return eb.fn.coalesce(eb.fn.sum<number>(eb.case().when(when).then(value).else(0).end()), sql<number>`0`)
}

/** Figures that come from commitments, in one query. */
async function commitmentFigures(db: Kysely<DB>, scope: IndicatorScope, period: { start: number; end: number }, now: number) {
	const overdueBefore = now - DAY_MS
	const row = await scopedCommitments(db, scope)
		.select((eb) => {
			const amount = eb('n.measure', '=', 'amount')
			const verified = eb('c.status', 'in', [...VERIFIED_STATUSES])
			const verifiedInPeriod = eb.and([verified, inPeriod(eb, 'c.verifiedAt', period)])
			const people = eb.and([eb('n.measure', '=', 'quantity'), eb('n.unit', 'in', PERSON_UNITS), verifiedInPeriod])
			const dueInPeriod = inPeriod(eb, 'c.dueAt', period)
			return [
				sumWhen(eb, eb.and([amount, inPeriod(eb, 'c.acceptedAt', period)]), eb.ref('c.amount')).as('fundsCommitted'),
				sumWhen(eb, eb.and([amount, eb('c.status', 'in', [...DELIVERED_STATUSES]), inPeriod(eb, 'c.deliveredAt', period)]), arrived).as('fundsDelivered'),
				sumWhen(eb, eb.and([amount, verifiedInPeriod]), arrived).as('fundsVerified'),
				sumWhen(eb, eb.and([amount, verifiedInPeriod, eb('n.category', '=', 'consumption')]), arrived).as('consumption'),
				sumWhen(eb, eb.and([people, eb('n.category', 'in', [...JOB_CATEGORIES])]), arrived).as('jobs'),
				sumWhen(eb, eb.and([people, eb('n.category', 'in', [...TRAINING_CATEGORIES])]), arrived).as('trained'),
				// On time (as the suggestions' record): of the commitments due in the period, those
				// verified by the end of their due day, against those verified plus those overdue now.
				sumWhen(eb, eb.and([dueInPeriod, eb.or([verified, eb.and([eb('c.status', 'in', [...OVERDUE_STATUSES]), eb('c.dueAt', '<=', overdueBefore)])])]), sql<number>`1`).as('dueCounted'),
				sumWhen(eb, eb.and([dueInPeriod, verified, eb('c.verifiedAt', '<', eb('c.dueAt', '+', DAY_MS))]), sql<number>`1`).as('dueOnTime'),
			]
		})
		.executeTakeFirstOrThrow()
	return {
		fundsCommitted: Number(row.fundsCommitted),
		fundsDelivered: Number(row.fundsDelivered),
		fundsVerified: Number(row.fundsVerified),
		consumption: Number(row.consumption),
		jobs: Number(row.jobs),
		trained: Number(row.trained),
		onTimeRate: Number(row.dueCounted) > 0 ? Math.round((1000 * Number(row.dueOnTime)) / Number(row.dueCounted)) : null,
	}
}

/** Verified investment of CSR projects verified in the period (enterprises only). */
async function csrInvestment(db: Kysely<DB>, scope: IndicatorScope, period: { start: number; end: number }): Promise<number> {
	if (scope.orgKind && scope.orgKind !== 'enterprise') return 0
	let q = db
		.selectFrom('project as pr')
		.select((eb) => eb.fn.coalesce(eb.fn.sum<number>('pr.verifiedInvestment'), sql<number>`0`).as('total'))
		.where('pr.verifiedInvestment', 'is not', null)
		.where('pr.verifiedAt', '>=', period.start)
		.where('pr.verifiedAt', '<', period.end)
	if (scope.providerOrgId) q = q.where('pr.enterpriseOrgId', '=', scope.providerOrgId)
	const region = scopeRegion(scope.regionCode)
	// A project serving several villages counts once for a region that holds any of them.
	if (region) q = q.where((eb) => eb.exists(eb.selectFrom('projectVillage as pv').select('pv.projectId').whereRef('pv.projectId', '=', 'pr.id').where(withinRegion('pv.villageCode', region))))
	const row = await q.executeTakeFirstOrThrow()
	return Number(row.total)
}

/**
 * Verified village orgs reached by an active pairing at village, township or county level (the
 * level-1 and level-2 East–West frameworks are not a pairing of a village). For a provider or a
 * kind, that provider's (kind's) pairings; for a region, every pairing, counting its villages.
 */
export async function countPairedVillages(db: Kysely<DB>, scope: IndicatorScope): Promise<number> {
	let q = db
		.selectFrom('pairing as pa')
		.select('pa.recipientRegionCode')
		.where('pa.status', '=', 'active')
	if (scope.providerOrgId) q = q.where('pa.providerOrgId', '=', scope.providerOrgId)
	if (scope.orgKind) q = q.where((eb) => eb.exists(eb.selectFrom('organization as po').select('po.id').whereRef('po.id', '=', 'pa.providerOrgId').where('po.kind', '=', scope.orgKind as OrgKind)))
	const codes = (await q.execute()).map((r) => r.recipientRegionCode).filter((c) => {
		const level = levelOfCode(c)
		return level !== undefined && level >= 3
	})
	// Prefixes of the paired areas, intersected with the region, nested ones dropped.
	const scopePrefix = scope.regionCode ? regionPrefix(scope.regionCode) : ''
	const prefixes = new Set<string>()
	for (const code of codes) {
		const p = regionPrefix(code)
		if (p.startsWith(scopePrefix)) prefixes.add(p)
		else if (scopePrefix.startsWith(p)) prefixes.add(scopePrefix)
	}
	const sorted = [...prefixes].sort((a, b) => a.length - b.length)
	const disjoint: string[] = []
	for (const p of sorted) if (!disjoint.some((d) => p.startsWith(d))) disjoint.push(p)
	let total = 0
	for (let i = 0; i < disjoint.length; i += 200) {
		const part = disjoint.slice(i, i + 200)
		const row = await db
			.selectFrom('organization')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('kind', '=', 'village')
			.where('status', '=', 'verified')
			.where((eb) => eb.or(part.map((p) => eb('villageCode', 'like', `${p}%`))))
			.executeTakeFirstOrThrow()
		total += Number(row.n)
	}
	return total
}

/**
 * Needs of a region published in the period (and not withdrawn before review): the mean share of
 * each need's target that has been verified (per-mille), and the median days from publication to
 * its first commitment (any commitment, a pledge included: the question is how soon anyone
 * answered). For a provider: its own first commitment to each need published in the period.
 */
async function needFigures(db: Kysely<DB>, scope: IndicatorScope, period: { start: number; end: number }) {
	const region = scopeRegion(scope.regionCode)
	let days: number[] = []
	let coverage: number | null = null
	if (!scope.providerOrgId && !scope.orgKind) {
		let q = db
			.selectFrom('need as n')
			.leftJoin('commitment as c', 'c.needId', 'n.id')
			.select((eb) => [
				'n.id',
				'n.target',
				'n.publishedAt',
				eb.fn.coalesce(eb.fn.sum<number>(eb.case().when('c.status', 'in', [...VERIFIED_STATUSES]).then(arrived).else(0).end()), sql<number>`0`).as('verified'),
				eb.fn.min<number | null>('c.createdAt').as('firstAt'),
			])
			.where('n.status', 'in', ['published', 'closed', 'expired'])
			.where('n.publishedAt', '>=', period.start)
			.where('n.publishedAt', '<', period.end)
			.groupBy(['n.id', 'n.target', 'n.publishedAt'])
		if (region) q = q.where(withinRegion('n.villageCode', region))
		const rows = await q.execute()
		if (rows.length) coverage = Math.round((1000 * rows.reduce((s, r) => s + Math.min(1, Number(r.verified) / Number(r.target)), 0)) / rows.length)
		days = rows.filter((r) => r.firstAt !== null).map((r) => (Number(r.firstAt) - Number(r.publishedAt)) / DAY_MS)
	} else {
		let q = db
			.selectFrom('commitment as c')
			.innerJoin('need as n', 'n.id', 'c.needId')
			.innerJoin('organization as p', 'p.id', 'c.providerOrgId')
			.select((eb) => ['n.id', 'n.publishedAt', eb.fn.min<number>('c.createdAt').as('firstAt')])
			.where('n.publishedAt', '>=', period.start)
			.where('n.publishedAt', '<', period.end)
			.groupBy(['n.id', 'n.publishedAt'])
		if (region) q = q.where(withinRegion('n.villageCode', region))
		if (scope.providerOrgId) q = q.where('c.providerOrgId', '=', scope.providerOrgId)
		if (scope.orgKind) q = q.where('p.kind', '=', scope.orgKind)
		days = (await q.execute()).map((r) => (Number(r.firstAt) - Number(r.publishedAt)) / DAY_MS)
	}
	return { coverage, medianDays: median(days) }
}

/** The median, to one decimal; null for no values. */
export function median(values: number[]): number | null {
	if (!values.length) return null
	const s = [...values].sort((a, b) => a - b)
	const mid = Math.floor(s.length / 2)
	const m = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2
	return Math.round(m * 10) / 10
}

export function periodBounds(period: Period): { start: number; end: number } {
	return chinaPeriod(period.year, period.quarter)
}

/** Every indicator for a scope and period. `now` decides which commitments are overdue. */
export async function computeIndicators(db: Kysely<DB>, scope: IndicatorScope, period: Period, now = Date.now()): Promise<Indicators> {
	const bounds = periodBounds(period)
	const [c, csr, villages, needs] = await Promise.all([
		commitmentFigures(db, scope, bounds, now),
		csrInvestment(db, scope, bounds),
		countPairedVillages(db, scope),
		needFigures(db, scope, bounds),
	])
	return {
		funds_committed: c.fundsCommitted,
		funds_delivered: c.fundsDelivered,
		funds_verified: c.fundsVerified,
		csr_investment: csr,
		consumption: c.consumption,
		jobs: c.jobs,
		trained: c.trained,
		villages_paired: villages,
		coverage_rate: needs.coverage,
		on_time_rate: c.onTimeRate,
		median_days_to_commitment: needs.medianDays,
	}
}

// ---------------------------------------------------------------------------------------------
// Breakdowns for the dashboard

export type MonthFigure = { month: number; verifiedFen: number; verifiedCount: number }

/** Verified money (amount needs) and verified commitments (all) per month of a year, 1–12. */
export async function monthlyVerified(db: Kysely<DB>, scope: IndicatorScope, year: number): Promise<MonthFigure[]> {
	const months = Array.from({ length: 12 }, (_, i) => {
		const { start, end } = chinaMonthPeriod(year, i + 1)
		return { from: start, to: end }
	})
	const row = (await scopedCommitments(db, scope)
		.select((eb) => {
			const verified = eb('c.status', 'in', [...VERIFIED_STATUSES])
			return months.flatMap(({ from, to }, i) => {
				const inMonth = eb.and([verified, eb('c.verifiedAt', '>=', from), eb('c.verifiedAt', '<', to)])
				return [
					sumWhen(eb, eb.and([inMonth, eb('n.measure', '=', 'amount')]), arrived).as(`f${i}`),
					sumWhen(eb, inMonth, sql<number>`1`).as(`n${i}`),
				]
			})
		})
		.executeTakeFirstOrThrow()) as Record<string, unknown>
	return months.map((_, i) => ({ month: i + 1, verifiedFen: Number(row[`f${i}`]), verifiedCount: Number(row[`n${i}`]) }))
}

export type BreakdownRow = { key: string; verifiedFen: number; verifiedCount: number }

/** Verified money and commitments in the period by the need's category, or by the provider's kind. */
export async function verifiedBreakdown(db: Kysely<DB>, scope: IndicatorScope, period: Period, by: 'category' | 'orgKind'): Promise<BreakdownRow[]> {
	const bounds = periodBounds(period)
	const column = by === 'category' ? 'n.category' : 'p.kind'
	const rows = await scopedCommitments(db, scope)
		.select((eb) => [
			eb.ref(column).as('key'),
			sumWhen(eb, eb('n.measure', '=', 'amount'), arrived).as('verifiedFen'),
			eb.fn.countAll<number>().as('verifiedCount'),
		])
		.where('c.status', 'in', [...VERIFIED_STATUSES])
		.where('c.verifiedAt', '>=', bounds.start)
		.where('c.verifiedAt', '<', bounds.end)
		.groupBy(column)
		.execute()
	return rows
		.map((r) => ({ key: String(r.key), verifiedFen: Number(r.verifiedFen), verifiedCount: Number(r.verifiedCount) }))
		.sort((a, b) => b.verifiedFen - a.verifiedFen || b.verifiedCount - a.verifiedCount || a.key.localeCompare(b.key))
}

export type RegionRankRow = {
	code: string
	verifiedFen: number
	verifiedCount: number
	needsPublished: number
	/** per-mille, null without needs */
	coverageRate: number | null
}

/**
 * The regions one level below `parentCode` (provinces for null), each with its verified money and
 * commitments in the period and its needs' coverage: the drill-down table. Regions with nothing
 * are included (zeros) when `childCodes` lists them; rows are ordered by verified money.
 */
export async function regionRanking(db: Kysely<DB>, parentCode: string | null, childCodes: string[], period: Period): Promise<RegionRankRow[]> {
	const level = parentCode ? (levelOfCode(parentCode) ?? 0) + 1 : 1
	if (level > 5) return []
	const len = [0, 2, 4, 6, 9, 12][level]
	const bounds = periodBounds(period)
	const region = parentCode ? scopeRegion(parentCode) : undefined
	const childOf = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, ${sql.lit(len)})`

	let cq = db
		.selectFrom('commitment as c')
		.innerJoin('need as n', 'n.id', 'c.needId')
		.select((eb) => [
			childOf('c.villageCode').as('prefix'),
			eb.fn.coalesce(eb.fn.sum<number>(eb.case().when('n.measure', '=', 'amount').then(arrived).else(0).end()), sql<number>`0`).as('verifiedFen'),
			eb.fn.countAll<number>().as('verifiedCount'),
		])
		.where('c.status', 'in', [...VERIFIED_STATUSES])
		.where('c.verifiedAt', '>=', bounds.start)
		.where('c.verifiedAt', '<', bounds.end)
		.groupBy(childOf('c.villageCode'))
	if (region) cq = cq.where(withinRegion('c.villageCode', region))

	let nq = db
		.selectFrom('need as n')
		.leftJoin('commitment as c', (j) => j.onRef('c.needId', '=', 'n.id').on('c.status', 'in', [...VERIFIED_STATUSES]))
		.select((eb) => ['n.id', childOf('n.villageCode').as('prefix'), 'n.target', eb.fn.coalesce(eb.fn.sum<number>(arrived), sql<number>`0`).as('verified')])
		.where('n.status', 'in', ['published', 'closed', 'expired'])
		.where('n.publishedAt', '>=', bounds.start)
		.where('n.publishedAt', '<', bounds.end)
		.groupBy(['n.id', childOf('n.villageCode'), 'n.target'])
	if (region) nq = nq.where(withinRegion('n.villageCode', region))

	const [commitments, needs] = await Promise.all([cq.execute(), nq.execute()])
	const byPrefix = new Map<string, RegionRankRow>()
	const rowFor = (prefix: string) => {
		let r = byPrefix.get(prefix)
		if (!r) {
			r = { code: prefix.padEnd(12, '0'), verifiedFen: 0, verifiedCount: 0, needsPublished: 0, coverageRate: null }
			byPrefix.set(prefix, r)
		}
		return r
	}
	for (const code of childCodes) rowFor(code.slice(0, len))
	for (const c of commitments) {
		const r = rowFor(String(c.prefix))
		r.verifiedFen = Number(c.verifiedFen)
		r.verifiedCount = Number(c.verifiedCount)
	}
	const shares = new Map<string, number[]>()
	for (const n of needs) {
		const list = shares.get(String(n.prefix)) ?? []
		list.push(Math.min(1, Number(n.verified) / Number(n.target)))
		shares.set(String(n.prefix), list)
	}
	for (const [prefix, list] of shares) {
		const r = rowFor(prefix)
		r.needsPublished = list.length
		r.coverageRate = Math.round((1000 * list.reduce((s, x) => s + x, 0)) / list.length)
	}
	return [...byPrefix.values()].sort((a, b) => b.verifiedFen - a.verifiedFen || b.verifiedCount - a.verifiedCount || a.code.localeCompare(b.code))
}

/** The level of the children of `parentCode` (provinces for null), for labels. */
export function childLevel(parentCode: string | null) {
	return parentCode ? ((levelOfCode(parentCode) ?? 0) + 1) : 1
}
