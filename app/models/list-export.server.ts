// The exports of the four browse lists (needs, offers, projects, the actor's commitments) as rows
// for spreadsheet.server.ts: the list page's filters, read from the same URL params with the same
// helpers (utils/browse-url.ts), applied in SQL; the database read in keyset pages of EXPORT_BATCH
// by id (newest id first), so an export of 100,000 rows holds one page at a time (docs/export.md).
//
// The browse pages ask the search engine for everything; an export does not, because the engine
// pages at most MAX_PAGE_SIZE hits and Meilisearch counts at most 10,000. Structured filters are
// SQL here (each mirrors the engine's filter on the document documents.server.ts builds, and the
// tests compare the two). A text query `q` narrows through the engine: its ids for the same query
// and filters, at most EXPORT_SEARCH_CAP of them, intersected with the SQL filters. Rows come in
// id order, not relevance: the `sort` param is not applied.
import { type AliasedSelectQueryBuilder, type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import type { CommitmentStatus, DB, Measure, NeedCategory, NeedStatus, OfferStatus, OrgKind, ProjectStatus, ProjectType, Urgency } from '#db/schema.ts'
import { PUBLIC_STATUSES } from '#app/search/documents.server.ts'
import { MAX_PAGE_SIZE, type SearchEngine, type SearchQuery } from '#app/search/port.ts'
import { listParam, oneOf, textParam } from '#app/utils/browse-url.ts'
import { DAY_MS, formatChinaDate } from '#app/utils/china-date.ts'
import type { SpreadsheetCell, SpreadsheetRow } from '#app/utils/spreadsheet.server.ts'
import { coveredRegionCodesForActor, providerOrgsOf } from './browse.server.ts'
import { commitmentVisibleScope } from './commitment/authorize-commitment.server.ts'
import { OVERDUE_STATUSES } from './commitment/query-commitment.server.ts'
import { VERIFIED_STATUSES, committedByNeed, committedByOffer } from './commitment/sum-commitment.server.ts'
import { COMMITMENT_STATUSES } from './commitment.schema.ts'
import { NEED_CATEGORIES, PROJECT_STATUSES, PROJECT_TYPES, URGENCIES } from './marketplace-vocab.ts'
import { capacityFigures } from './offer.server.ts'
import { PROVIDER_KINDS } from './organization.schema.ts'
import type { Actor } from './policy.server.ts'
import { isRegionCode, regionPrefix } from './region-code.ts'
import { fullNames, getRegion, isInKeyCounty, keyCountiesAmong } from './region.server.ts'

export const EXPORT_BATCH = 1_000
/** Most ids a text query `q` narrows an export to (Meilisearch's maxTotalHits, meilisearch.server.ts). */
export const EXPORT_SEARCH_CAP = 10_000

export const EXPORT_LISTS = ['needs', 'offers', 'projects', 'commitments'] as const
export type ExportList = (typeof EXPORT_LISTS)[number]

/** Translates an i18n key (the route passes its request's `t`). */
export type Translate = (key: string) => string

export type ExportOptions = {
	t: Translate
	/** Needed when the filters carry a text query. */
	engine?: SearchEngine | null
	/**
	 * Money cells: numbers (xlsx: summable cells) or text with two decimals (CSV: "1234.50", which
	 * spreadsheet programs still read as a number). Default number.
	 */
	money?: 'number' | 'text'
	batch?: number
	now?: number
}

// ---------------------------------------------------------------------------------------------
// Filters: parsed exactly as the list pages' loaders parse them (the choice lists are theirs).

// NOTE: the same lists as needs._index.tsx / offers._index.tsx / commitments._index.tsx.
const NEED_STATUS_CHOICES = ['published', 'closed', 'expired', 'all'] as const
const OFFER_STATUS_CHOICES = ['active', 'paused', 'expired', 'all'] as const
const OPEN_STATUSES: readonly CommitmentStatus[] = ['pledged', 'accepted', 'in_delivery', 'delivered', 'disputed', 'verified']
const COMMITMENT_FILTERS = ['open', 'overdue', ...COMMITMENT_STATUSES] as const

/** The region the page filters by: a code typed into the place box, else `region` (checked later). */
function regionParamOf(url: URL): string | null {
	const place = textParam(url, 'place', 50)
	const code = isRegionCode(place) ? place : textParam(url, 'region', 20)
	return isRegionCode(code) ? code : null
}

export type NeedExportFilters = { q: string; categories: NeedCategory[]; urgencies: Urgency[]; statuses: NeedStatus[]; keyCounty: boolean; region: string | null; mine: boolean }
export type OfferExportFilters = { q: string; categories: NeedCategory[]; orgKinds: OrgKind[]; statuses: OfferStatus[]; region: string | null }
export type ProjectExportFilters = { q: string; types: ProjectType[]; statuses: ProjectStatus[]; region: string | null }
export type CommitmentExportFilters = { status: (typeof COMMITMENT_FILTERS)[number] | '' }

export function parseNeedExportFilters(url: URL): NeedExportFilters {
	const status = oneOf(url.searchParams.get('status'), NEED_STATUS_CHOICES, 'published')
	return {
		q: textParam(url, 'q', 100),
		categories: listParam(url, 'category', NEED_CATEGORIES),
		urgencies: listParam(url, 'urgency', URGENCIES),
		statuses: status === 'all' ? ['published', 'closed', 'expired'] : [status],
		keyCounty: url.searchParams.get('keyCounty') === '1',
		region: regionParamOf(url),
		mine: url.searchParams.get('mine') === '1',
	}
}

export function parseOfferExportFilters(url: URL): OfferExportFilters {
	const status = oneOf(url.searchParams.get('status'), OFFER_STATUS_CHOICES, 'active')
	return {
		q: textParam(url, 'q', 100),
		categories: listParam(url, 'category', NEED_CATEGORIES),
		orgKinds: listParam(url, 'orgKind', PROVIDER_KINDS),
		statuses: status === 'all' ? ['active', 'paused', 'expired'] : [status],
		region: regionParamOf(url),
	}
}

export function parseProjectExportFilters(url: URL): ProjectExportFilters {
	return {
		q: textParam(url, 'q', 100),
		types: listParam(url, 'type', PROJECT_TYPES),
		// No status ticked: every status (all are public).
		statuses: listParam(url, 'status', PROJECT_STATUSES),
		region: regionParamOf(url),
	}
}

export function parseCommitmentExportFilters(url: URL): CommitmentExportFilters {
	const raw = url.searchParams.get('status') ?? ''
	return { status: (COMMITMENT_FILTERS as readonly string[]).includes(raw) ? (raw as CommitmentExportFilters['status']) : '' }
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

/** Lowest and highest 12-digit code inside a region: a range the code columns' indexes can use. */
function rangeOf(code: string): [string, string] {
	const p = regionPrefix(code)
	return [p.padEnd(12, '0'), p.padEnd(12, '9')]
}

/** A column holds a code inside any of `codes` (false for none). */
function inAnyRegion(eb: ExpressionBuilder<any, any>, column: string, codes: string[]): Expression<SqlBool> {
	if (!codes.length) return sql<SqlBool>`1 = 0`
	return eb.or(
		codes.map((c) => {
			const [lo, hi] = rangeOf(c)
			return eb.and([eb(column, '>=', lo), eb(column, '<=', hi)])
		}),
	)
}

/** The region filter applies only when the code names a stored region (as loadRegionFilter). */
async function knownRegion(db: Kysely<DB>, code: string | null): Promise<string | null> {
	return code && (await getRegion(db, code)) ? code : null
}

/**
 * The ids the engine returns for the page's query (all pages, relevance order), at most
 * EXPORT_SEARCH_CAP; null when there is no text query (no narrowing).
 */
async function searchIds(engine: SearchEngine | null | undefined, query: SearchQuery): Promise<string[] | null> {
	if (!query.q) return null
	if (!engine) throw new Error('a text query needs a search engine')
	const ids: string[] = []
	for (let page = 1; ids.length < EXPORT_SEARCH_CAP; page++) {
		const result = await engine.search({ ...query, page, pageSize: MAX_PAGE_SIZE })
		ids.push(...result.hits.map((h) => h.id))
		if (result.hits.length < MAX_PAGE_SIZE || page * MAX_PAGE_SIZE >= result.total) break
	}
	return ids.slice(0, EXPORT_SEARCH_CAP)
}

/** One page's ids: the next `limit` ids below `before` (newest first), or a chunk of search hits. */
type Window = { before?: string; ids?: string[] }
type PublicTable = 'need' | 'offer' | 'project'

/**
 * The page's ids as a derived table `w` (id), to be the first table of the read: `from w cross
 * join <table> where <table>.id = w.id and <filters>`.
 * NOTE: the window is what keeps paging linear. Asked `where status in (…) and id < ? order by id
 * desc limit 1000` directly, SQLite picks a status index (every row is public) and sorts every
 * matching row again for each page: 21 s for 100,000 needs against 1 s this way. CROSS JOIN makes
 * SQLite loop over the window first (MySQL's CROSS JOIN is an inner join; it starts from the
 * 1,000-row derived table anyway); the LIMIT keeps the derived table from being flattened.
 */
function idWindow(db: Kysely<DB>, table: PublicTable, window: Window, limit: number) {
	let q = (db as unknown as Kysely<any>).selectFrom(`${table} as x`).select('x.id')
	if (window.ids) q = q.where('x.id', 'in', window.ids)
	else if (window.before) q = q.where('x.id', '<', window.before)
	return q.orderBy('x.id', 'desc').limit(limit).as('w') as AliasedSelectQueryBuilder<{ id: string }, 'w'>
}

/**
 * The windows of a public table, newest id first: by the primary key alone (the filters apply in
 * the read, so a window may hold fewer rows than `batch`, or none), or, when a search narrowed the
 * export to `only`, those ids in descending chunks of `batch`.
 */
async function* windows(db: Kysely<DB>, table: PublicTable, only: string[] | null, batch: number): AsyncGenerator<Window> {
	if (only) {
		const sorted = [...new Set(only)].sort().reverse()
		for (let i = 0; i < sorted.length; i += batch) yield { ids: sorted.slice(i, i + batch) }
		return
	}
	let before: string | undefined
	for (;;) {
		yield { before }
		// The id that closes this window (the batch-th one below `before`) opens the next.
		let q = (db as unknown as Kysely<any>).selectFrom(table).select('id')
		if (before) q = q.where('id', '<', before)
		const last = await q.orderBy('id', 'desc').limit(1).offset(batch - 1).executeTakeFirst()
		if (!last) return
		before = last.id as string
	}
}

async function* pages<T>(db: Kysely<DB>, table: PublicTable, only: string[] | null, batch: number, read: (window: Window, limit: number) => Promise<T[]>): AsyncGenerator<T[]> {
	for await (const window of windows(db, table, only, batch)) {
		const rows = await read(window, batch)
		if (rows.length) yield rows
	}
}

/** Money in fen as yuan, and quantities as whole numbers, in separate cells (the other is empty). */
function measured(measure: Measure, value: number | null, money: 'number' | 'text'): { amount: SpreadsheetCell; quantity: SpreadsheetCell } {
	if (value === null) return { amount: null, quantity: null }
	if (measure === 'amount') return { amount: money === 'text' ? (value / 100).toFixed(2) : Math.round(value) / 100, quantity: null }
	return { amount: null, quantity: Math.round(value) }
}

const date = (ms: number | null) => (ms === null ? null : formatChinaDate(Number(ms)))

export type ExportColumn = { key: string; header: string; width?: number }

/** Columns of each export: `header` is an i18n key the caller translates (export.json). */
export const LIST_EXPORT_COLUMNS: Record<ExportList, ExportColumn[]> = {
	needs: [
		{ key: 'id', header: 'export.columns.id', width: 28 },
		{ key: 'village', header: 'export.columns.village', width: 36 },
		{ key: 'villageCode', header: 'export.columns.village_code', width: 15 },
		{ key: 'villageOrg', header: 'export.columns.village_org', width: 24 },
		{ key: 'title', header: 'export.columns.title', width: 36 },
		{ key: 'category', header: 'export.columns.category', width: 14 },
		{ key: 'measure', header: 'export.columns.measure', width: 10 },
		{ key: 'targetAmount', header: 'export.columns.target_amount', width: 16 },
		{ key: 'targetQuantity', header: 'export.columns.target_quantity', width: 12 },
		{ key: 'unit', header: 'export.columns.unit', width: 8 },
		{ key: 'committedAmount', header: 'export.columns.committed_amount', width: 16 },
		{ key: 'committedQuantity', header: 'export.columns.committed_quantity', width: 12 },
		{ key: 'verifiedAmount', header: 'export.columns.verified_amount', width: 16 },
		{ key: 'verifiedQuantity', header: 'export.columns.verified_quantity', width: 12 },
		{ key: 'beneficiaries', header: 'export.columns.beneficiaries', width: 10 },
		{ key: 'urgency', header: 'export.columns.urgency', width: 10 },
		{ key: 'neededBy', header: 'export.columns.needed_by', width: 12 },
		{ key: 'keyCounty', header: 'export.columns.key_county', width: 10 },
		{ key: 'status', header: 'export.columns.status', width: 10 },
		{ key: 'publishedOn', header: 'export.columns.published_on', width: 12 },
	],
	offers: [
		{ key: 'id', header: 'export.columns.id', width: 28 },
		{ key: 'title', header: 'export.columns.title', width: 36 },
		{ key: 'provider', header: 'export.columns.provider', width: 30 },
		{ key: 'providerKind', header: 'export.columns.provider_kind', width: 16 },
		{ key: 'categories', header: 'export.columns.categories', width: 30 },
		{ key: 'coverage', header: 'export.columns.coverage', width: 12 },
		{ key: 'regions', header: 'export.columns.regions', width: 40 },
		{ key: 'measure', header: 'export.columns.measure', width: 10 },
		{ key: 'capacityAmount', header: 'export.columns.capacity_amount', width: 16 },
		{ key: 'capacityQuantity', header: 'export.columns.capacity_quantity', width: 12 },
		{ key: 'unit', header: 'export.columns.unit', width: 8 },
		{ key: 'remainingAmount', header: 'export.columns.remaining_amount', width: 16 },
		{ key: 'remainingQuantity', header: 'export.columns.remaining_quantity', width: 12 },
		{ key: 'validFrom', header: 'export.columns.valid_from', width: 12 },
		{ key: 'validUntil', header: 'export.columns.valid_until', width: 12 },
		{ key: 'status', header: 'export.columns.status', width: 10 },
		{ key: 'publishedOn', header: 'export.columns.published_on', width: 12 },
	],
	projects: [
		{ key: 'id', header: 'export.columns.id', width: 28 },
		{ key: 'title', header: 'export.columns.project', width: 36 },
		{ key: 'enterprise', header: 'export.columns.enterprise', width: 30 },
		{ key: 'type', header: 'export.columns.project_type', width: 12 },
		{ key: 'villages', header: 'export.columns.villages', width: 40 },
		{ key: 'plannedInvestment', header: 'export.columns.planned_investment', width: 16 },
		{ key: 'permanentJobs', header: 'export.columns.permanent_jobs', width: 12 },
		{ key: 'temporaryJobs', header: 'export.columns.temporary_jobs', width: 12 },
		{ key: 'peopleTrained', header: 'export.columns.people_trained', width: 12 },
		{ key: 'startsOn', header: 'export.columns.starts_on', width: 12 },
		{ key: 'endsOn', header: 'export.columns.ends_on', width: 12 },
		{ key: 'status', header: 'export.columns.status', width: 10 },
		{ key: 'createdOn', header: 'export.columns.created_on', width: 12 },
	],
	commitments: [
		{ key: 'id', header: 'export.columns.id', width: 28 },
		{ key: 'side', header: 'export.columns.side', width: 14 },
		{ key: 'need', header: 'export.columns.need', width: 36 },
		{ key: 'provider', header: 'export.columns.provider', width: 30 },
		{ key: 'villageOrg', header: 'export.columns.village_org', width: 24 },
		{ key: 'village', header: 'export.columns.village', width: 36 },
		{ key: 'measure', header: 'export.columns.measure', width: 10 },
		{ key: 'amount', header: 'export.columns.committed_amount', width: 16 },
		{ key: 'quantity', header: 'export.columns.committed_quantity', width: 12 },
		{ key: 'unit', header: 'export.columns.unit', width: 8 },
		{ key: 'deliveredAmount', header: 'export.columns.delivered_amount', width: 16 },
		{ key: 'deliveredQuantity', header: 'export.columns.delivered_quantity', width: 12 },
		{ key: 'status', header: 'export.columns.status', width: 10 },
		{ key: 'overdue', header: 'export.columns.overdue', width: 8 },
		{ key: 'dueOn', header: 'export.columns.due_on', width: 12 },
		{ key: 'createdOn', header: 'export.columns.pledged_on', width: 12 },
		{ key: 'updatedOn', header: 'export.columns.updated_on', width: 12 },
	],
}

// ---------------------------------------------------------------------------------------------
// Needs

/** The engine query the needs page sends for these filters (region and "mine" resolved). */
function needSearchQuery(f: NeedExportFilters, region: string | null, covered: string[] | null): SearchQuery {
	return {
		type: 'need',
		q: f.q || undefined,
		sort: 'relevance',
		filters: {
			categories: f.categories.length ? f.categories : undefined,
			status: f.statuses,
			urgency: f.urgencies.length ? f.urgencies : undefined,
			keyCounty: f.keyCounty || undefined,
			regionCodesAny: covered ?? undefined,
			regionPrefix: region ?? undefined,
		},
	}
}

/** Key counties' 6-digit prefixes (a village lies in one when its code starts with it). */
async function keyCountyPrefixes(db: Kysely<DB>): Promise<string[]> {
	const rows = await db.selectFrom('region').select('code').where('level', '=', 3).where('isKeyCounty', '=', 1).execute()
	return rows.map((r) => r.code.slice(0, 6))
}

/** Raw rows of the public needs the filters select, EXPORT_BATCH a time, newest id first. */
export async function* iterateNeedsForExport(db: Kysely<DB>, actor: Actor | null, f: NeedExportFilters, options: { engine?: SearchEngine | null; batch?: number } = {}) {
	const region = await knownRegion(db, f.region)
	// "In my pairings" counts only for a provider (the page ignores it otherwise); none matches nothing.
	const mine = f.mine && providerOrgsOf(actor).length > 0
	const covered = mine ? await coveredRegionCodesForActor(db, actor) : null
	if (covered && !covered.length) return
	const keyPrefixes = f.keyCounty ? await keyCountyPrefixes(db) : null
	if (keyPrefixes && !keyPrefixes.length) return
	const statuses = f.statuses.filter((s) => PUBLIC_STATUSES.need.includes(s))
	if (!statuses.length) return
	const only = await searchIds(options.engine, needSearchQuery(f, region, covered))
	const read = (window: Window, limit: number) => {
		let q = db
			.selectFrom(idWindow(db, 'need', window, limit))
			.crossJoin('need')
			.innerJoin('organization as org', 'org.id', 'need.villageOrgId')
			.select([
				'need.id',
				'need.title',
				'need.villageCode',
				'org.name as villageOrgName',
				'need.category',
				'need.measure',
				'need.unit',
				'need.target',
				'need.beneficiaries',
				'need.urgency',
				'need.neededBy',
				'need.status',
				'need.publishedAt',
			])
			.whereRef('need.id', '=', 'w.id')
			.where('need.status', 'in', statuses)
		if (f.categories.length) q = q.where('need.category', 'in', f.categories)
		if (f.urgencies.length) q = q.where('need.urgency', 'in', f.urgencies)
		if (region) q = q.where((eb) => inAnyRegion(eb, 'need.villageCode', [region]))
		if (covered) q = q.where((eb) => inAnyRegion(eb, 'need.villageCode', covered))
		// NOTE: raw SQL, so snake_case. substr() is the same in SQLite and MySQL.
		if (keyPrefixes) q = q.where(sql<string>`substr(need.village_code, 1, 6)`, 'in', keyPrefixes)
		return q.orderBy('need.id', 'desc').limit(limit).execute()
	}
	yield* pages(db, 'need', only, options.batch ?? EXPORT_BATCH, read)
}

/** Verified delivered amounts per need (verified and closed commitments). */
async function verifiedByNeed(db: Kysely<DB>, needIds: string[]): Promise<Map<string, number>> {
	if (!needIds.length) return new Map()
	const rows = await db
		.selectFrom('commitment')
		.select((eb) => ['commitment.needId', eb.fn.sum<number>('commitment.deliveredAmount').as('total')])
		.where('commitment.needId', 'in', needIds)
		.where('commitment.status', 'in', [...VERIFIED_STATUSES])
		.groupBy('commitment.needId')
		.execute()
	return new Map(rows.map((r) => [r.needId, Number(r.total ?? 0)]))
}

export async function* needExportRows(db: Kysely<DB>, actor: Actor | null, f: NeedExportFilters, options: ExportOptions): AsyncGenerator<SpreadsheetRow> {
	const { t } = options
	const money = options.money ?? 'number'
	for await (const rows of iterateNeedsForExport(db, actor, f, options)) {
		const ids = rows.map((r) => r.id)
		const codes = [...new Set(rows.map((r) => r.villageCode))]
		const [names, keys, committed, verified] = await Promise.all([fullNames(db, codes), keyCountiesAmong(db, codes), committedByNeed(db, ids), verifiedByNeed(db, ids)])
		for (const r of rows) {
			const target = measured(r.measure, Number(r.target), money)
			const done = measured(r.measure, committed.get(r.id) ?? 0, money)
			const checked = measured(r.measure, verified.get(r.id) ?? 0, money)
			yield {
				id: r.id,
				village: names.get(r.villageCode) ?? r.villageCode,
				villageCode: r.villageCode,
				villageOrg: r.villageOrgName,
				title: r.title,
				category: t(`vocab.category.${r.category}`),
				measure: t(`export.measure.${r.measure}`),
				targetAmount: target.amount,
				targetQuantity: target.quantity,
				unit: r.measure === 'quantity' ? r.unit : null,
				committedAmount: done.amount,
				committedQuantity: done.quantity,
				verifiedAmount: checked.amount,
				verifiedQuantity: checked.quantity,
				beneficiaries: Number(r.beneficiaries),
				urgency: t(`vocab.urgency.${r.urgency}`),
				neededBy: date(r.neededBy),
				keyCounty: isInKeyCounty(r.villageCode, keys) ? t('export.yes') : null,
				status: t(`vocab.need_status.${r.status}`),
				publishedOn: date(r.publishedAt),
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Offers

function offerSearchQuery(f: OfferExportFilters, region: string | null): SearchQuery {
	return {
		type: 'offer',
		q: f.q || undefined,
		sort: 'relevance',
		filters: {
			categories: f.categories.length ? f.categories : undefined,
			orgKind: f.orgKinds.length ? f.orgKinds : undefined,
			status: f.statuses,
			regionPrefix: region ?? undefined,
		},
	}
}

/**
 * The provider's active pairings' recipient regions, as pairedRegionCodes resolves them (pairings
 * naming the org; for an East–West partner also the east_west pairings of its region), inside
 * `range` when given. NOTE: raw SQL, so snake_case; the outer query's tables are `offer` and `org`.
 */
function pairedRegionExists(range: [string, string] | null): Expression<SqlBool> {
	const within = range ? sql`and p.recipient_region_code >= ${range[0]} and p.recipient_region_code <= ${range[1]}` : sql``
	return sql<SqlBool>`exists (select 1 from pairing p where p.status = 'active' ${within}
		and (p.provider_org_id = offer.provider_org_id
			or (org.kind = 'east_west_partner' and p.kind = 'east_west' and p.provider_region_code = org.region_code)))`
}

export async function* iterateOffersForExport(db: Kysely<DB>, f: OfferExportFilters, options: { engine?: SearchEngine | null; batch?: number } = {}) {
	const region = await knownRegion(db, f.region)
	const statuses = f.statuses.filter((s) => PUBLIC_STATUSES.offer.includes(s))
	if (!statuses.length) return
	const only = await searchIds(options.engine, offerSearchQuery(f, region))
	const range = region ? rangeOf(region) : null
	const read = (window: Window, limit: number) => {
		let q = db
			.selectFrom(idWindow(db, 'offer', window, limit))
			.crossJoin('offer')
			.innerJoin('organization as org', 'org.id', 'offer.providerOrgId')
			.select([
				'offer.id',
				'offer.title',
				'org.name as providerName',
				'org.kind as providerKind',
				'offer.measure',
				'offer.unit',
				'offer.capacity',
				'offer.coverage',
				'offer.validFrom',
				'offer.validUntil',
				'offer.status',
				'offer.publishedAt',
			])
			.whereRef('offer.id', '=', 'w.id')
			.where('offer.status', 'in', statuses)
			// A 'pairings' offer whose provider has no active pairing covers nowhere: not listed (not indexed).
			.where((eb) => eb.or([eb('offer.coverage', '!=', 'pairings'), pairedRegionExists(null)]))
		if (f.categories.length) {
			const categories = f.categories
			q = q.where((eb) => eb.exists(eb.selectFrom('offerCategory as oc').select('oc.offerId').whereRef('oc.offerId', '=', 'offer.id').where('oc.category', 'in', categories)))
		}
		if (f.orgKinds.length) q = q.where('org.kind', 'in', f.orgKinds)
		if (range) {
			// Offers listing a region inside the filter region, or reaching one through pairings; never nationwide ones.
			q = q.where((eb) =>
				eb.or([
					eb.and([
						eb('offer.coverage', '=', 'regions'),
						eb.exists(
							eb
								.selectFrom('offerRegion as orr')
								.select('orr.offerId')
								.whereRef('orr.offerId', '=', 'offer.id')
								.where('orr.regionCode', '>=', range[0])
								.where('orr.regionCode', '<=', range[1]),
						),
					]),
					eb.and([eb('offer.coverage', '=', 'pairings'), pairedRegionExists(range)]),
				]),
			)
		}
		return q.orderBy('offer.id', 'desc').limit(limit).execute()
	}
	yield* pages(db, 'offer', only, options.batch ?? EXPORT_BATCH, read)
}

export async function* offerExportRows(db: Kysely<DB>, f: OfferExportFilters, options: ExportOptions): AsyncGenerator<SpreadsheetRow> {
	const { t } = options
	const money = options.money ?? 'number'
	for await (const rows of iterateOffersForExport(db, f, options)) {
		const ids = rows.map((r) => r.id)
		const [categoryRows, regionRows, used] = await Promise.all([
			db.selectFrom('offerCategory').select(['offerId', 'category']).where('offerId', 'in', ids).execute(),
			db.selectFrom('offerRegion').select(['offerId', 'regionCode']).where('offerId', 'in', ids).orderBy('regionCode').execute(),
			committedByOffer(db, ids),
		])
		const names = await fullNames(db, [...new Set(regionRows.map((r) => r.regionCode))])
		const categories = new Map<string, NeedCategory[]>()
		for (const c of categoryRows) categories.set(c.offerId, [...(categories.get(c.offerId) ?? []), c.category])
		const regions = new Map<string, string[]>()
		for (const r of regionRows) regions.set(r.offerId, [...(regions.get(r.offerId) ?? []), names.get(r.regionCode) ?? r.regionCode])
		for (const r of rows) {
			const capacity = r.capacity === null ? null : Number(r.capacity)
			const { remaining, exhausted } = capacityFigures(capacity, used.get(r.id) ?? 0)
			const cap = measured(r.measure, capacity, money)
			const left = measured(r.measure, remaining, money)
			const cats = (categories.get(r.id) ?? []).sort((a, b) => NEED_CATEGORIES.indexOf(a) - NEED_CATEGORIES.indexOf(b))
			yield {
				id: r.id,
				title: r.title,
				provider: r.providerName,
				providerKind: t(`vocab.org_kind.${r.providerKind}`),
				categories: cats.map((c) => t(`vocab.category.${c}`)).join('、'),
				coverage: t(`vocab.coverage.${r.coverage}`),
				regions: r.coverage === 'regions' ? (regions.get(r.id) ?? []).join('；') : null,
				measure: t(`export.measure.${r.measure}`),
				// Empty capacity: unlimited.
				capacityAmount: cap.amount,
				capacityQuantity: cap.quantity,
				unit: r.measure === 'quantity' ? r.unit : null,
				remainingAmount: left.amount,
				remainingQuantity: left.quantity,
				validFrom: date(r.validFrom),
				validUntil: date(r.validUntil),
				status: t(`vocab.offer_status.${r.status === 'active' && exhausted ? 'exhausted' : r.status}`),
				publishedOn: date(r.publishedAt),
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Projects

function projectSearchQuery(f: ProjectExportFilters, region: string | null): SearchQuery {
	return {
		type: 'project',
		q: f.q || undefined,
		sort: 'relevance',
		filters: {
			categories: f.types.length ? f.types : undefined,
			status: f.statuses.length ? f.statuses : undefined,
			regionPrefix: region ?? undefined,
		},
	}
}

export async function* iterateProjectsForExport(db: Kysely<DB>, f: ProjectExportFilters, options: { engine?: SearchEngine | null; batch?: number } = {}) {
	const region = await knownRegion(db, f.region)
	const statuses = (f.statuses.length ? f.statuses : PROJECT_STATUSES).filter((s) => PUBLIC_STATUSES.project.includes(s))
	const only = await searchIds(options.engine, projectSearchQuery(f, region))
	const range = region ? rangeOf(region) : null
	const read = (window: Window, limit: number) => {
		let q = db
			.selectFrom(idWindow(db, 'project', window, limit))
			.crossJoin('project')
			.innerJoin('organization as org', 'org.id', 'project.enterpriseOrgId')
			.select([
				'project.id',
				'project.title',
				'org.name as enterpriseName',
				'project.type',
				'project.plannedInvestment',
				'project.permanentJobs',
				'project.temporaryJobs',
				'project.peopleTrained',
				'project.startsOn',
				'project.endsOn',
				'project.status',
				'project.createdAt',
			])
			.whereRef('project.id', '=', 'w.id')
			.where('project.status', 'in', statuses)
		if (f.types.length) q = q.where('project.type', 'in', f.types)
		if (range) {
			q = q.where((eb) =>
				eb.exists(
					eb.selectFrom('projectVillage as pv').select('pv.projectId').whereRef('pv.projectId', '=', 'project.id').where('pv.villageCode', '>=', range[0]).where('pv.villageCode', '<=', range[1]),
				),
			)
		}
		return q.orderBy('project.id', 'desc').limit(limit).execute()
	}
	yield* pages(db, 'project', only, options.batch ?? EXPORT_BATCH, read)
}

export async function* projectExportRows(db: Kysely<DB>, f: ProjectExportFilters, options: ExportOptions): AsyncGenerator<SpreadsheetRow> {
	const { t } = options
	const money = options.money ?? 'number'
	for await (const rows of iterateProjectsForExport(db, f, options)) {
		const links = await db.selectFrom('projectVillage').select(['projectId', 'villageCode']).where('projectId', 'in', rows.map((r) => r.id)).orderBy('villageCode').execute()
		const names = await fullNames(db, [...new Set(links.map((l) => l.villageCode))])
		const villages = new Map<string, string[]>()
		for (const l of links) villages.set(l.projectId, [...(villages.get(l.projectId) ?? []), names.get(l.villageCode) ?? l.villageCode])
		for (const r of rows) {
			yield {
				id: r.id,
				title: r.title,
				enterprise: r.enterpriseName,
				type: t(`vocab.project_type.${r.type}`),
				villages: (villages.get(r.id) ?? []).join('；'),
				plannedInvestment: measured('amount', Number(r.plannedInvestment), money).amount,
				permanentJobs: Number(r.permanentJobs),
				temporaryJobs: Number(r.temporaryJobs),
				peopleTrained: Number(r.peopleTrained),
				startsOn: date(r.startsOn),
				endsOn: date(r.endsOn),
				status: t(`vocab.project_status.${r.status}`),
				createdOn: date(r.createdAt),
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Commitments

/** The actor's verified orgs on each side, as the commitments page picks them. */
function commitmentSides(actor: Actor) {
	const verified = actor.memberships.filter((m) => m.status === 'verified')
	return {
		provider: verified.filter((m) => (PROVIDER_KINDS as readonly string[]).includes(m.kind)).map((m) => m.orgId),
		village: verified.filter((m) => m.kind === 'village').map((m) => m.orgId),
	}
}

/**
 * The commitments of the actor's verified provider and village orgs (the commitments page's two
 * sections, without its 200-per-org cap), within what the actor may see (commitmentVisibleScope),
 * with the page's status filter; EXPORT_BATCH a time, newest id first.
 */
export async function* iterateCommitmentsForExport(db: Kysely<DB>, actor: Actor, f: CommitmentExportFilters, options: { batch?: number; now?: number } = {}) {
	const sides = commitmentSides(actor)
	if (!sides.provider.length && !sides.village.length) return
	const now = options.now ?? Date.now()
	const statuses: readonly CommitmentStatus[] | undefined =
		f.status === '' ? undefined : f.status === 'open' ? OPEN_STATUSES : f.status === 'overdue' ? OVERDUE_STATUSES : [f.status]
	const read = (before: string | undefined, limit: number) => {
		let q = db
			.selectFrom('commitment')
			.innerJoin('need', 'need.id', 'commitment.needId')
			.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
			.innerJoin('organization as village', 'village.id', 'commitment.villageOrgId')
			.select([
				'commitment.id',
				'commitment.providerOrgId',
				'commitment.villageOrgId',
				'commitment.villageCode',
				'commitment.amount',
				'commitment.deliveredAmount',
				'commitment.status',
				'commitment.dueAt',
				'commitment.createdAt',
				'commitment.updatedAt',
				'need.title as needTitle',
				'need.measure',
				'need.unit',
				'provider.name as providerName',
				'village.name as villageOrgName',
			])
			.where((eb) => {
				const ors: Expression<SqlBool>[] = []
				if (sides.provider.length) ors.push(eb('commitment.providerOrgId', 'in', sides.provider))
				if (sides.village.length) ors.push(eb('commitment.villageOrgId', 'in', sides.village))
				return eb.or(ors)
			})
			.where(commitmentVisibleScope(actor))
		if (before) q = q.where('commitment.id', '<', before)
		if (statuses) q = q.where('commitment.status', 'in', [...statuses])
		// Overdue once the due day has ended (isOverdue).
		if (f.status === 'overdue') q = q.where('commitment.dueAt', '<=', now - DAY_MS)
		return q.orderBy('commitment.id', 'desc').limit(limit).execute()
	}
	// Plain keyset on id: an actor's orgs' commitments are few next to the table, so the planner
	// starts from the org indexes and sorts a small set.
	const batch = options.batch ?? EXPORT_BATCH
	let before: string | undefined
	for (;;) {
		const rows = await read(before, batch)
		if (rows.length) yield rows
		if (rows.length < batch) return
		before = rows[rows.length - 1].id
	}
}

export async function* commitmentExportRows(db: Kysely<DB>, actor: Actor, f: CommitmentExportFilters, options: ExportOptions): AsyncGenerator<SpreadsheetRow> {
	const { t } = options
	const money = options.money ?? 'number'
	const now = options.now ?? Date.now()
	const sides = commitmentSides(actor)
	for await (const rows of iterateCommitmentsForExport(db, actor, f, options)) {
		const names = await fullNames(db, [...new Set(rows.map((r) => r.villageCode))])
		for (const r of rows) {
			const amount = measured(r.measure, Number(r.amount), money)
			const delivered = measured(r.measure, r.deliveredAmount === null ? null : Number(r.deliveredAmount), money)
			const side = [
				...(sides.provider.includes(r.providerOrgId) ? [t('commitment.side_provider')] : []),
				...(sides.village.includes(r.villageOrgId) ? [t('commitment.side_village')] : []),
			]
			const overdue = OVERDUE_STATUSES.includes(r.status) && now >= Number(r.dueAt) + DAY_MS
			yield {
				id: r.id,
				side: side.join(' / '),
				need: r.needTitle,
				provider: r.providerName,
				villageOrg: r.villageOrgName,
				village: names.get(r.villageCode) ?? r.villageCode,
				measure: t(`export.measure.${r.measure}`),
				amount: amount.amount,
				quantity: amount.quantity,
				unit: r.measure === 'quantity' ? r.unit : null,
				deliveredAmount: delivered.amount,
				deliveredQuantity: delivered.quantity,
				status: t(`commitment.status.${r.status}`),
				overdue: overdue ? t('export.yes') : null,
				dueOn: date(r.dueAt),
				createdOn: date(r.createdAt),
				updatedOn: date(r.updatedAt),
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// One entry for the routes and the benchmark

/**
 * What a list's export holds for a request URL (the list page's query string): its rows, from
 * the page's filters and visibility, read lazily. Columns' headers are i18n keys.
 */
export function listExport(db: Kysely<DB>, list: ExportList, url: URL, actor: Actor | null, options: ExportOptions): { columns: ExportColumn[]; rows: AsyncGenerator<SpreadsheetRow> } {
	const columns = LIST_EXPORT_COLUMNS[list]
	if (list === 'needs') return { columns, rows: needExportRows(db, actor, parseNeedExportFilters(url), options) }
	if (list === 'offers') return { columns, rows: offerExportRows(db, parseOfferExportFilters(url), options) }
	if (list === 'projects') return { columns, rows: projectExportRows(db, parseProjectExportFilters(url), options) }
	if (!actor) throw new Error('the commitments export needs a signed-in actor')
	return { columns, rows: commitmentExportRows(db, actor, parseCommitmentExportFilters(url), options) }
}
