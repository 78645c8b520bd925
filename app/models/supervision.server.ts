// 督查 supervision lists (DOMAIN.md, 考核监督): what an official should chase in their jurisdiction.
//
// | list      | rows                                                                              |
// |-----------|-----------------------------------------------------------------------------------|
// | overdue   | accepted / in-delivery commitments past their due China day (isOverdue)           |
// | stale     | needs published more than STALE_NEED_DAYS ago, still published, with nothing      |
// |           | accepted or later (a pledge is non-binding and does not count)                     |
// | lagging   | providers with ≥ MIN_COUNTED_COMMITMENTS counted commitments to villages in the    |
// |           | jurisdiction whose on-time rate is below the threshold (onTimeRecords' definition)|
// | unpaired  | verified village orgs with no active pairing to the village, its township or its  |
// |           | county (province- and city-level East–West frameworks do not count)               |
//
// Every query puts the jurisdiction in its where (inJurisdiction; national admins see everything)
// and an optional region filter (any level) on top. Pages for the screen; async iterators that
// page through the database EXPORT_BATCH rows at a time for the exports.
import { type Kysely, type SqlBool, sql } from 'kysely'
import type { DB, Measure, NeedCategory, OrgKind } from '#db/schema.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { formatMeasure } from '#app/utils/format.ts'
import type { SpreadsheetRow } from '#app/utils/spreadsheet.server.ts'
import { OVERDUE_STATUSES } from './commitment/query-commitment.server.ts'
import { COUNTED_STATUSES, VERIFIED_STATUSES } from './commitment/sum-commitment.server.ts'
import { type Actor, governs, inJurisdiction } from './policy.server.ts'
import { fullNames, getRegion, withinRegion } from './region.server.ts'
import { isRegionCode } from './region-code.ts'
import { DEFAULT_ON_TIME_THRESHOLD, MIN_COUNTED_COMMITMENTS, STALE_NEED_DAYS, type SupervisionList } from './supervision.schema.ts'

export const SUPERVISION_PAGE_SIZE = 50
export const EXPORT_BATCH = 1_000
// Far past any real page; keeps a hand-typed ?page= from asking for a huge offset.
const MAX_PAGE = 10_000

export type SupervisionFilters = {
	/** A region code (any level) the official governs; rows are limited to it. */
	region?: string
}
export type PageRequest = { page?: number; pageSize?: number }
export type Page<T> = { rows: T[]; total: number; page: number; pages: number; pageSize: number }


/**
 * Checks a ?region= filter: a real region the actor governs. Empty → no filter. Bad input is an
 * invalid error on the `region` field (the lists would show nothing for it anyway).
 */
export async function resolveRegionFilter(db: Kysely<DB>, actor: Actor, raw: string | null | undefined): Promise<{ code: string; name: string } | null> {
	const value = (raw ?? '').trim()
	if (!value) return null
	if (!isRegionCode(value)) throw AppError.invalid({ region: 'validation.region_code_format' })
	const region = await getRegion(db, value)
	if (!region) throw AppError.invalid({ region: 'errors.region_not_found' })
	if (!governs(actor, value)) throw AppError.invalid({ region: 'supervision.errors.region_outside' })
	return { code: value, name: (await fullNames(db, [value])).get(value) ?? region.name }
}

function pageOf(request: PageRequest, total: number) {
	const pageSize = Math.min(Math.max(Math.floor(request.pageSize ?? SUPERVISION_PAGE_SIZE) || SUPERVISION_PAGE_SIZE, 1), 200)
	const pages = Math.max(1, Math.ceil(total / pageSize))
	const page = Math.min(Math.max(Math.floor(request.page ?? 1) || 1, 1), pages, MAX_PAGE)
	return { page, pages, pageSize, offset: (page - 1) * pageSize }
}

/** Whole China days from `from` to `to`'s day (0 on the same day). */
function chinaDaysBetween(from: number, to: number): number {
	return Math.round((chinaDayStart(to) - chinaDayStart(from)) / DAY_MS)
}

async function withVillageNames<T extends { villageCode: string }>(db: Kysely<DB>, rows: T[]): Promise<Array<T & { villageName: string }>> {
	const names = await fullNames(db, [...new Set(rows.map((r) => r.villageCode))])
	return rows.map((r) => ({ ...r, villageName: names.get(r.villageCode) ?? r.villageCode }))
}

// ---------------------------------------------------------------------------------------------
// Overdue commitments

function overdueQuery(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters, now: number) {
	// isOverdue: now ≥ dueAt + one day, i.e. dueAt ≤ now − one day.
	let q = db
		.selectFrom('commitment')
		.innerJoin('need', 'need.id', 'commitment.needId')
		.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
		.innerJoin('organization as village', 'village.id', 'commitment.villageOrgId')
		.where('commitment.status', 'in', [...OVERDUE_STATUSES])
		.where('commitment.dueAt', '<=', now - DAY_MS)
		.where(inJurisdiction('commitment.villageCode', actor))
	if (filters.region) q = q.where(withinRegion('commitment.villageCode', filters.region))
	return q
}

function overdueSelect(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters, now: number) {
	return overdueQuery(db, actor, filters, now)
		.select([
			'commitment.id',
			'commitment.status',
			'commitment.amount',
			'commitment.dueAt',
			'commitment.villageCode',
			'commitment.providerOrgId',
			'commitment.villageOrgId',
			'provider.name as providerName',
			'village.name as villageOrgName',
			'need.id as needId',
			'need.title as needTitle',
			'need.measure',
			'need.unit',
		])
		.orderBy('commitment.dueAt')
		.orderBy('commitment.id')
}

type OverdueRaw = Awaited<ReturnType<ReturnType<typeof overdueSelect>['execute']>>[number]

export type OverdueRow = {
	id: string
	status: string
	providerOrgId: string
	providerName: string
	villageOrgId: string
	villageOrgName: string
	villageCode: string
	villageName: string
	needId: string
	needTitle: string
	measure: Measure
	unit: string | null
	amount: number
	dueAt: number
	daysOverdue: number
}

async function shapeOverdue(db: Kysely<DB>, rows: OverdueRaw[], now: number): Promise<OverdueRow[]> {
	const named = await withVillageNames(db, rows)
	return named.map((r) => ({
		id: r.id,
		status: r.status,
		providerOrgId: r.providerOrgId,
		providerName: r.providerName,
		villageOrgId: r.villageOrgId,
		villageOrgName: r.villageOrgName,
		villageCode: r.villageCode,
		villageName: r.villageName,
		needId: r.needId,
		needTitle: r.needTitle,
		measure: r.measure,
		unit: r.unit,
		amount: Number(r.amount),
		dueAt: Number(r.dueAt),
		daysOverdue: chinaDaysBetween(Number(r.dueAt), now),
	}))
}

/** Overdue commitments in the actor's jurisdiction, most overdue first. */
export async function listOverdueCommitments(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters = {}, request: PageRequest = {}, now = Date.now()): Promise<Page<OverdueRow>> {
	const counted = await overdueQuery(db, actor, filters, now)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const p = pageOf(request, total)
	const rows = await overdueSelect(db, actor, filters, now).limit(p.pageSize).offset(p.offset).execute()
	return { rows: await shapeOverdue(db, rows, now), total, page: p.page, pages: p.pages, pageSize: p.pageSize }
}

/** Every overdue commitment (same order), fetched EXPORT_BATCH rows at a time (keyset on due date, id). */
export async function* iterateOverdueCommitments(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters = {}, now = Date.now(), batch = EXPORT_BATCH): AsyncGenerator<OverdueRow> {
	let after: { dueAt: number; id: string } | undefined
	for (;;) {
		let q = overdueSelect(db, actor, filters, now)
		if (after) {
			const a = after
			q = q.where((eb) => eb.or([eb('commitment.dueAt', '>', a.dueAt), eb.and([eb('commitment.dueAt', '=', a.dueAt), eb('commitment.id', '>', a.id)])]))
		}
		const rows = await shapeOverdue(db, await q.limit(batch).execute(), now)
		yield* rows
		if (rows.length < batch) return
		const last = rows[rows.length - 1]
		after = { dueAt: last.dueAt, id: last.id }
	}
}

// ---------------------------------------------------------------------------------------------
// Stale needs

function staleQuery(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters, now: number) {
	let q = db
		.selectFrom('need')
		.innerJoin('organization as village', 'village.id', 'need.villageOrgId')
		.where('need.status', '=', 'published')
		.where('need.publishedAt', '<', now - STALE_NEED_DAYS * DAY_MS)
		.where((eb) =>
			eb.not(
				eb.exists(
					eb
						.selectFrom('commitment')
						.select('commitment.id')
						.whereRef('commitment.needId', '=', 'need.id')
						.where('commitment.status', 'in', [...COUNTED_STATUSES]),
				),
			),
		)
		.where(inJurisdiction('need.villageCode', actor))
	if (filters.region) q = q.where(withinRegion('need.villageCode', filters.region))
	return q
}

function staleSelect(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters, now: number) {
	return staleQuery(db, actor, filters, now)
		.select([
			'need.id',
			'need.title',
			'need.category',
			'need.measure',
			'need.unit',
			'need.target',
			'need.urgency',
			'need.villageCode',
			'need.villageOrgId',
			'need.publishedAt',
			'need.neededBy',
			'village.name as villageOrgName',
		])
		.orderBy('need.publishedAt')
		.orderBy('need.id')
}

type StaleRaw = Awaited<ReturnType<ReturnType<typeof staleSelect>['execute']>>[number]

export type StaleNeedRow = {
	id: string
	title: string
	category: NeedCategory
	measure: Measure
	unit: string | null
	target: number
	urgency: string
	villageOrgId: string
	villageOrgName: string
	villageCode: string
	villageName: string
	publishedAt: number
	neededBy: number
	daysSincePublished: number
}

async function shapeStale(db: Kysely<DB>, rows: StaleRaw[], now: number): Promise<StaleNeedRow[]> {
	const named = await withVillageNames(db, rows)
	return named.map((r) => ({
		id: r.id,
		title: r.title,
		category: r.category,
		measure: r.measure,
		unit: r.unit,
		target: Number(r.target),
		urgency: r.urgency,
		villageOrgId: r.villageOrgId,
		villageOrgName: r.villageOrgName,
		villageCode: r.villageCode,
		villageName: r.villageName,
		publishedAt: Number(r.publishedAt),
		neededBy: Number(r.neededBy),
		daysSincePublished: Math.floor((now - Number(r.publishedAt)) / DAY_MS),
	}))
}

/** Published needs left without any accepted commitment for over STALE_NEED_DAYS days, oldest first. */
export async function listStaleNeeds(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters = {}, request: PageRequest = {}, now = Date.now()): Promise<Page<StaleNeedRow>> {
	const counted = await staleQuery(db, actor, filters, now)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const p = pageOf(request, total)
	const rows = await staleSelect(db, actor, filters, now).limit(p.pageSize).offset(p.offset).execute()
	return { rows: await shapeStale(db, rows, now), total, page: p.page, pages: p.pages, pageSize: p.pageSize }
}

export async function* iterateStaleNeeds(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters = {}, now = Date.now(), batch = EXPORT_BATCH): AsyncGenerator<StaleNeedRow> {
	let after: { publishedAt: number; id: string } | undefined
	for (;;) {
		let q = staleSelect(db, actor, filters, now)
		if (after) {
			const a = after
			q = q.where((eb) => eb.or([eb('need.publishedAt', '>', a.publishedAt), eb.and([eb('need.publishedAt', '=', a.publishedAt), eb('need.id', '>', a.id)])]))
		}
		const rows = await shapeStale(db, await q.limit(batch).execute(), now)
		yield* rows
		if (rows.length < batch) return
		const last = rows[rows.length - 1]
		after = { publishedAt: last.publishedAt, id: last.id }
	}
}

// ---------------------------------------------------------------------------------------------
// Lagging providers

// The on-time rule of suggestion.server.ts onTimeRecords, restricted to villages in the
// jurisdiction: counted = verified/closed, plus accepted/in-delivery past the due day (overdue);
// on time = verified before the midnight that ends the due day.
// NOTE: raw SQL, so snake_case column names.
function laggingSums(now: number) {
	const overdueBefore = now - DAY_MS
	const verified = sql`commitment.status in (${sql.join([...VERIFIED_STATUSES])})`
	const overdue = sql`(commitment.status in (${sql.join([...OVERDUE_STATUSES])}) and commitment.due_at <= ${overdueBefore})`
	return {
		total: sql<number>`sum(case when ${verified} or ${overdue} then 1 else 0 end)`,
		onTime: sql<number>`sum(case when ${verified} and commitment.verified_at < commitment.due_at + ${DAY_MS} then 1 else 0 end)`,
		overdue: sql<number>`sum(case when ${overdue} then 1 else 0 end)`,
	}
}

function laggingQuery(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters, threshold: number, now: number) {
	const s = laggingSums(now)
	let q = db
		.selectFrom('commitment')
		.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
		.where('commitment.status', 'in', [...VERIFIED_STATUSES, ...OVERDUE_STATUSES])
		.where(inJurisdiction('commitment.villageCode', actor))
	if (filters.region) q = q.where(withinRegion('commitment.villageCode', filters.region))
	return q
		.select(['commitment.providerOrgId', 'provider.name as providerName', 'provider.kind as providerKind', s.total.as('total'), s.onTime.as('onTime'), s.overdue.as('overdue')])
		.groupBy(['commitment.providerOrgId', 'provider.name', 'provider.kind'])
		.having(sql<SqlBool>`${s.total} >= ${MIN_COUNTED_COMMITMENTS}`)
		.having(sql<SqlBool>`${s.onTime} * 100 < ${threshold} * ${s.total}`)
}

export type LaggingProviderRow = {
	providerOrgId: string
	providerName: string
	providerKind: OrgKind
	/** Counted commitments (verified/closed plus currently overdue). */
	total: number
	onTime: number
	/** Verified, but after the due day. */
	late: number
	/** Still open past the due day. */
	overdue: number
	/** On-time share in percent, one decimal. */
	rate: number
}

type LaggingRaw = Awaited<ReturnType<ReturnType<typeof laggingQuery>['execute']>>[number]

function shapeLagging(r: LaggingRaw): LaggingProviderRow {
	const total = Number(r.total)
	const onTime = Number(r.onTime ?? 0)
	const overdue = Number(r.overdue ?? 0)
	return {
		providerOrgId: r.providerOrgId,
		providerName: r.providerName,
		providerKind: r.providerKind,
		total,
		onTime,
		late: total - onTime - overdue,
		overdue,
		rate: total ? Math.round((onTime * 1000) / total) / 10 : 0,
	}
}

function laggingOrdered(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters, threshold: number, now: number) {
	const s = laggingSums(now)
	return laggingQuery(db, actor, filters, threshold, now)
		.orderBy(sql`${s.onTime} * 1.0 / ${s.total}`)
		.orderBy('commitment.providerOrgId')
}

/** Providers below `threshold` percent on time (0–100) with enough counted commitments, worst first. */
export async function listLaggingProviders(
	db: Kysely<DB>,
	actor: Actor,
	filters: SupervisionFilters = {},
	options: PageRequest & { threshold?: number } = {},
	now = Date.now(),
): Promise<Page<LaggingProviderRow>> {
	const threshold = clampThreshold(options.threshold)
	const counted = await db
		.selectFrom(laggingQuery(db, actor, filters, threshold, now).as('lagging'))
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const p = pageOf(options, total)
	const rows = await laggingOrdered(db, actor, filters, threshold, now).limit(p.pageSize).offset(p.offset).execute()
	return { rows: rows.map(shapeLagging), total, page: p.page, pages: p.pages, pageSize: p.pageSize }
}

/** Every lagging provider, EXPORT_BATCH at a time (offset paging: one row per provider, few rows). */
export async function* iterateLaggingProviders(
	db: Kysely<DB>,
	actor: Actor,
	filters: SupervisionFilters = {},
	threshold?: number,
	now = Date.now(),
	batch = EXPORT_BATCH,
): AsyncGenerator<LaggingProviderRow> {
	const t = clampThreshold(threshold)
	for (let offset = 0; ; offset += batch) {
		const rows = await laggingOrdered(db, actor, filters, t, now).limit(batch).offset(offset).execute()
		yield* rows.map(shapeLagging)
		if (rows.length < batch) return
	}
}

function clampThreshold(threshold: number | undefined): number {
	if (threshold === undefined || !Number.isFinite(threshold)) return DEFAULT_ON_TIME_THRESHOLD
	return Math.min(Math.max(Math.round(threshold), 0), 100)
}

// ---------------------------------------------------------------------------------------------
// Villages without a pairing

// An active pairing reaches a village when its recipient is the village itself, its township or
// its county. NOTE: raw SQL (snake_case); substr is the same on SQLite and MySQL. A county code
// ends in 6 zeros and shares the village's first 6 digits; a township's ends in 3 and shares 9.
const PAIRED = sql<SqlBool>`exists (
	select 1 from pairing
	where pairing.status = 'active' and (
		pairing.recipient_region_code = village.village_code
		or (substr(pairing.recipient_region_code, 10) = '000' and substr(pairing.recipient_region_code, 1, 9) = substr(village.village_code, 1, 9))
		or (substr(pairing.recipient_region_code, 7) = '000000' and substr(pairing.recipient_region_code, 1, 6) = substr(village.village_code, 1, 6))
	))`

function unpairedQuery(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters) {
	let q = db
		.selectFrom('organization as village')
		.where('village.kind', '=', 'village')
		.where('village.status', '=', 'verified')
		.where('village.villageCode', 'is not', null)
		.where(inJurisdiction('village.villageCode', actor))
		.where(sql<SqlBool>`not ${PAIRED}`)
	if (filters.region) q = q.where(withinRegion('village.villageCode', filters.region))
	return q
}

function unpairedSelect(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters) {
	return unpairedQuery(db, actor, filters)
		.select(['village.id', 'village.name', 'village.villageCode', 'village.contactName', 'village.contactPhone', 'village.createdAt'])
		.orderBy('village.villageCode')
		.orderBy('village.id')
}

export type UnpairedVillageRow = {
	orgId: string
	orgName: string
	villageCode: string
	villageName: string
	contactName: string | null
	contactPhone: string | null
}

type UnpairedRaw = Awaited<ReturnType<ReturnType<typeof unpairedSelect>['execute']>>[number]

async function shapeUnpaired(db: Kysely<DB>, rows: UnpairedRaw[]): Promise<UnpairedVillageRow[]> {
	const named = await withVillageNames(
		db,
		rows.map((r) => ({ ...r, villageCode: r.villageCode as string })),
	)
	return named.map((r) => ({ orgId: r.id, orgName: r.name, villageCode: r.villageCode, villageName: r.villageName, contactName: r.contactName, contactPhone: r.contactPhone }))
}

/** Verified village orgs in the jurisdiction that no active village/township/county pairing reaches, by code. */
export async function listUnpairedVillages(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters = {}, request: PageRequest = {}): Promise<Page<UnpairedVillageRow>> {
	const counted = await unpairedQuery(db, actor, filters)
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const p = pageOf(request, total)
	const rows = await unpairedSelect(db, actor, filters).limit(p.pageSize).offset(p.offset).execute()
	return { rows: await shapeUnpaired(db, rows), total, page: p.page, pages: p.pages, pageSize: p.pageSize }
}

export async function* iterateUnpairedVillages(db: Kysely<DB>, actor: Actor, filters: SupervisionFilters = {}, batch = EXPORT_BATCH): AsyncGenerator<UnpairedVillageRow> {
	let after: { code: string; id: string } | undefined
	for (;;) {
		let q = unpairedSelect(db, actor, filters)
		if (after) {
			const a = after
			q = q.where((eb) => eb.or([eb('village.villageCode', '>', a.code), eb.and([eb('village.villageCode', '=', a.code), eb('village.id', '>', a.id)])]))
		}
		const rows = await shapeUnpaired(db, await q.limit(batch).execute())
		yield* rows
		if (rows.length < batch) return
		const last = rows[rows.length - 1]
		after = { code: last.villageCode, id: last.orgId }
	}
}

// ---------------------------------------------------------------------------------------------
// Exports

/** Columns of each list's export: `header` is an i18n key the route translates. */
export const EXPORT_COLUMNS: Record<SupervisionList, Array<{ key: string; header: string; width?: number }>> = {
	overdue: [
		{ key: 'provider', header: 'supervision.columns.provider', width: 30 },
		{ key: 'village', header: 'supervision.columns.village', width: 36 },
		{ key: 'villageCode', header: 'supervision.columns.village_code', width: 15 },
		{ key: 'need', header: 'supervision.columns.need', width: 36 },
		{ key: 'amount', header: 'supervision.columns.amount', width: 18 },
		{ key: 'dueDate', header: 'supervision.columns.due_date', width: 12 },
		{ key: 'daysOverdue', header: 'supervision.columns.days_overdue', width: 10 },
		{ key: 'id', header: 'supervision.columns.commitment_id', width: 28 },
	],
	stale: [
		{ key: 'need', header: 'supervision.columns.need', width: 36 },
		{ key: 'village', header: 'supervision.columns.village', width: 36 },
		{ key: 'villageCode', header: 'supervision.columns.village_code', width: 15 },
		{ key: 'target', header: 'supervision.columns.target', width: 18 },
		{ key: 'publishedOn', header: 'supervision.columns.published_on', width: 12 },
		{ key: 'daysSince', header: 'supervision.columns.days_since', width: 10 },
		{ key: 'neededBy', header: 'supervision.columns.needed_by', width: 12 },
		{ key: 'id', header: 'supervision.columns.need_id', width: 28 },
	],
	lagging: [
		{ key: 'provider', header: 'supervision.columns.provider', width: 30 },
		{ key: 'total', header: 'supervision.columns.counted', width: 10 },
		{ key: 'onTime', header: 'supervision.columns.on_time', width: 10 },
		{ key: 'late', header: 'supervision.columns.late', width: 10 },
		{ key: 'overdue', header: 'supervision.columns.overdue', width: 10 },
		{ key: 'rate', header: 'supervision.columns.rate', width: 12 },
		{ key: 'id', header: 'supervision.columns.org_id', width: 28 },
	],
	unpaired: [
		{ key: 'org', header: 'supervision.columns.village_org', width: 30 },
		{ key: 'village', header: 'supervision.columns.village', width: 36 },
		{ key: 'villageCode', header: 'supervision.columns.village_code', width: 15 },
		{ key: 'contact', header: 'supervision.columns.contact', width: 20 },
		{ key: 'id', header: 'supervision.columns.org_id', width: 28 },
	],
}

/**
 * The rows of a list's export, as spreadsheet cells (amounts formatted for `language`, dates as
 * China dates), paged through the database. Same jurisdiction and filters as the screen.
 */
export async function* iterateExportRows(
	db: Kysely<DB>,
	actor: Actor,
	list: SupervisionList,
	filters: SupervisionFilters,
	options: { language: string; threshold?: number },
	now = Date.now(),
): AsyncGenerator<SpreadsheetRow> {
	const lang = options.language
	if (list === 'overdue') {
		for await (const r of iterateOverdueCommitments(db, actor, filters, now)) {
			yield {
				provider: r.providerName,
				village: `${r.villageName} · ${r.villageOrgName}`,
				villageCode: r.villageCode,
				need: r.needTitle,
				amount: formatMeasure(r.measure, r.amount, r.unit, lang),
				dueDate: formatChinaDate(r.dueAt),
				daysOverdue: r.daysOverdue,
				id: r.id,
			}
		}
	} else if (list === 'stale') {
		for await (const r of iterateStaleNeeds(db, actor, filters, now)) {
			yield {
				need: r.title,
				village: `${r.villageName} · ${r.villageOrgName}`,
				villageCode: r.villageCode,
				target: formatMeasure(r.measure, r.target, r.unit, lang),
				publishedOn: formatChinaDate(r.publishedAt),
				daysSince: r.daysSincePublished,
				neededBy: formatChinaDate(r.neededBy),
				id: r.id,
			}
		}
	} else if (list === 'lagging') {
		for await (const r of iterateLaggingProviders(db, actor, filters, options.threshold, now)) {
			yield { provider: r.providerName, total: r.total, onTime: r.onTime, late: r.late, overdue: r.overdue, rate: `${r.rate}%`, id: r.providerOrgId }
		}
	} else {
		for await (const r of iterateUnpairedVillages(db, actor, filters)) {
			yield { org: r.orgName, village: r.villageName, villageCode: r.villageCode, contact: [r.contactName, r.contactPhone].filter(Boolean).join(' ') || null, id: r.orgId }
		}
	}
}
