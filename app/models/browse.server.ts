// The browse pages' reads: rows for search hits (the engine returns ids only, ADR 005) in hit
// order, with what a list card shows, and the regions a provider reaches through its pairings
// ("in my pairings"). Rows are read as they are now: a hit whose record stopped being public since
// it was indexed is left out rather than shown.
import type { Kysely } from 'kysely'
import type { DB, NeedCategory, OfferStatus, RegionLevel } from '#db/schema.ts'
import { isPublic } from '#app/search/documents.server.ts'
import type { SearchEngine, SearchFilters, SearchQuery, SearchResult } from '#app/search/port.ts'
import { committedByNeed, committedByOffer } from './commitment/sum-commitment.server.ts'
import { NEED_CATEGORIES } from './marketplace-vocab.ts'
import { capacityFigures } from './offer.server.ts'
import { PROVIDER_KINDS } from './organization.schema.ts'
import type { Actor } from './policy.server.ts'
import { LEVELS, isRegionCode } from './region-code.ts'
import { fullNames, getRegion, isInKeyCounty, keyCountiesAmong, listAncestors, listChildren, searchRegions } from './region.server.ts'

/** Puts rows in the order of `ids`, dropping ids without a row. */
function inHitOrder<T extends { id: string }>(ids: string[], rows: T[]): T[] {
	const byId = new Map(rows.map((r) => [r.id, r]))
	return ids.flatMap((id) => byId.get(id) ?? [])
}



/**
 * Public needs with the given ids, in that order: village and its full name, the village org's
 * name, target and remaining gap, urgency, needed-by date and the key-county flag.
 */
export async function listNeedsByIds(db: Kysely<DB>, ids: string[]) {
	if (!ids.length) return []
	const rows = await db
		.selectFrom('need')
		.innerJoin('organization as org', 'org.id', 'need.villageOrgId')
		.select([
			'need.id',
			'need.title',
			'need.villageOrgId as orgId',
			'org.name as orgName',
			'need.villageCode',
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
		.where('need.id', 'in', ids)
		.execute()
		.then((all) => all.filter((r) => isPublic('need', r.status)))
	const codes = [...new Set(rows.map((r) => r.villageCode))]
	const [names, keys, committed] = await Promise.all([fullNames(db, codes), keyCountiesAmong(db, codes), committedByNeed(db, rows.map((r) => r.id))])
	return inHitOrder(
		ids,
		rows.map((r) => ({
			...r,
			target: Number(r.target),
			// The gap left: target minus accepted-or-later commitments (as in documents.server.ts).
			remaining: Math.max(Number(r.target) - (committed.get(r.id) ?? 0), 0),
			neededBy: Number(r.neededBy),
			villageName: names.get(r.villageCode) ?? r.villageCode,
			isKeyCounty: isInKeyCounty(r.villageCode, keys),
		})),
	)
}
export type NeedCard = Awaited<ReturnType<typeof listNeedsByIds>>[number]

/**
 * Public offers with the given ids, in that order: provider, categories, capacity and remaining,
 * coverage with the listed regions' full names ('pairings' offers list none here: the card says
 * "paired regions"), validity and the key-county flag (a listed region lies in one).
 */
export async function listOffersByIds(db: Kysely<DB>, ids: string[]) {
	if (!ids.length) return []
	const rows = await db
		.selectFrom('offer')
		.innerJoin('organization as org', 'org.id', 'offer.providerOrgId')
		.select([
			'offer.id',
			'offer.title',
			'offer.providerOrgId as orgId',
			'org.name as orgName',
			'org.kind as orgKind',
			'offer.measure',
			'offer.unit',
			'offer.capacity',
			'offer.coverage',
			'offer.validFrom',
			'offer.validUntil',
			'offer.status',
			'offer.publishedAt',
		])
		.where('offer.id', 'in', ids)
		.execute()
		.then((all) => all.filter((r) => isPublic('offer', r.status)))
	if (!rows.length) return []
	const found = rows.map((r) => r.id)
	const [categoryRows, regionRows] = await Promise.all([
		db.selectFrom('offerCategory').select(['offerId', 'category']).where('offerId', 'in', found).execute(),
		db.selectFrom('offerRegion').select(['offerId', 'regionCode']).where('offerId', 'in', found).orderBy('regionCode').execute(),
	])
	const codes = [...new Set(regionRows.map((r) => r.regionCode))]
	const [names, keys, used] = await Promise.all([fullNames(db, codes), keyCountiesAmong(db, codes), committedByOffer(db, found)])
	const categories = new Map<string, NeedCategory[]>()
	for (const c of categoryRows) categories.set(c.offerId, [...(categories.get(c.offerId) ?? []), c.category])
	const regions = new Map<string, Array<{ code: string; name: string }>>()
	for (const r of regionRows) regions.set(r.offerId, [...(regions.get(r.offerId) ?? []), { code: r.regionCode, name: names.get(r.regionCode) ?? r.regionCode }])
	return inHitOrder(
		ids,
		rows.map((r) => {
			const capacity = r.capacity === null ? null : Number(r.capacity)
			const { remaining, exhausted } = capacityFigures(capacity, used.get(r.id) ?? 0)
			const listed = r.coverage === 'regions' ? (regions.get(r.id) ?? []) : []
			return {
				...r,
				capacity,
				remaining,
				validFrom: Number(r.validFrom),
				validUntil: Number(r.validUntil),
				displayStatus: r.status === 'active' && exhausted ? ('exhausted' as const) : r.status,
				categories: (categories.get(r.id) ?? []).sort((a, b) => NEED_CATEGORIES.indexOf(a) - NEED_CATEGORIES.indexOf(b)),
				regions: listed,
				isKeyCounty: listed.some((x) => isInKeyCounty(x.code, keys)),
			}
		}),
	)
}
export type OfferCard = Awaited<ReturnType<typeof listOffersByIds>>[number]

/** Projects with the given ids, in that order, with the enterprise's name and the villages' full names. */
export async function listProjectsByIds(db: Kysely<DB>, ids: string[]) {
	if (!ids.length) return []
	const rows = await db
		.selectFrom('project')
		.innerJoin('organization as org', 'org.id', 'project.enterpriseOrgId')
		.select([
			'project.id',
			'project.title',
			'project.enterpriseOrgId as orgId',
			'org.name as orgName',
			'project.type',
			'project.status',
			'project.plannedInvestment',
			'project.permanentJobs',
			'project.temporaryJobs',
			'project.peopleTrained',
			'project.startsOn',
			'project.endsOn',
		])
		.where('project.id', 'in', ids)
		.execute()
		.then((all) => all.filter((r) => isPublic('project', r.status)))
	if (!rows.length) return []
	const links = await db
		.selectFrom('projectVillage')
		.select(['projectId', 'villageCode'])
		.where('projectId', 'in', rows.map((r) => r.id))
		.orderBy('villageCode')
		.execute()
	const codes = [...new Set(links.map((l) => l.villageCode))]
	const [names, keys] = await Promise.all([fullNames(db, codes), keyCountiesAmong(db, codes)])
	const villages = new Map<string, Array<{ code: string; name: string }>>()
	for (const l of links) villages.set(l.projectId, [...(villages.get(l.projectId) ?? []), { code: l.villageCode, name: names.get(l.villageCode) ?? l.villageCode }])
	return inHitOrder(
		ids,
		rows.map((r) => {
			const list = villages.get(r.id) ?? []
			return {
				...r,
				plannedInvestment: Number(r.plannedInvestment),
				permanentJobs: Number(r.permanentJobs),
				temporaryJobs: Number(r.temporaryJobs),
				peopleTrained: Number(r.peopleTrained),
				startsOn: Number(r.startsOn),
				endsOn: Number(r.endsOn),
				villages: list,
				isKeyCounty: list.some((v) => isInKeyCounty(v.code, keys)),
			}
		}),
	)
}
export type ProjectCard = Awaited<ReturnType<typeof listProjectsByIds>>[number]

/** The actor's verified provider orgs (any role), for "in my pairings" and the offer form. */
export function providerOrgsOf(actor: Actor | null) {
	return (actor?.memberships ?? []).filter((m) => m.status === 'verified' && (PROVIDER_KINDS as readonly string[]).includes(m.kind))
}

/**
 * The regions the actor's verified provider orgs reach through active pairings: 定点帮扶 counties
 * and 结对 villages (pairings naming the org), and for an East–West partner the regions paired
 * with its own region (as offer.server.ts resolves 'pairings' coverage). Sorted, without repeats;
 * empty when the actor has no provider org or no pairing.
 */
export async function coveredRegionCodesForActor(db: Kysely<DB>, actor: Actor | null): Promise<string[]> {
	const orgs = providerOrgsOf(actor)
	if (!orgs.length) return []
	const orgIds = orgs.map((o) => o.orgId)
	const eastWestRegions = orgs.filter((o) => o.kind === 'east_west_partner' && o.regionCode).map((o) => o.regionCode as string)
	const rows = await db
		.selectFrom('pairing')
		.select('recipientRegionCode')
		.distinct()
		.where('status', '=', 'active')
		.where((eb) => {
			const ors = [eb('providerOrgId', 'in', orgIds)]
			if (eastWestRegions.length) ors.push(eb.and([eb('kind', '=', 'east_west'), eb('providerRegionCode', 'in', eastWestRegions)]))
			return eb.or(ors)
		})
		.execute()
	return rows.map((r) => r.recipientRegionCode).sort()
}

type FacetKey = 'categories' | 'status' | 'urgency' | 'orgKind'

/**
 * One page of results with facet counts that ignore the facet's own filter (so ticking 产业振兴
 * still shows how many 人才振兴 there are): the query itself, plus one count-only search per
 * facet in `disjunctive` whose filter is set.
 */
export async function searchWithFacets(engine: SearchEngine, query: SearchQuery, disjunctive: FacetKey[]): Promise<SearchResult> {
	const [main, ...others] = await Promise.all([
		engine.search(query),
		...disjunctive.map((key) => (query.filters?.[key]?.length ? engine.search({ ...query, filters: { ...query.filters, [key]: undefined }, page: 1, pageSize: 1 }) : null)),
	])
	const facets = { ...main.facets }
	disjunctive.forEach((key, i) => {
		const other = others[i]
		if (other) facets[key] = other.facets[key]
	})
	return { ...main, facets }
}

/** How many records pass `query`'s filters when its region filter is replaced by each of `codes`. */
export async function countPerRegion(engine: SearchEngine, query: SearchQuery, codes: string[]): Promise<Record<string, number>> {
	const totals = await Promise.all(codes.map((code) => engine.search({ ...query, filters: { ...query.filters, regionPrefix: code }, page: 1, pageSize: 1 }).then((r) => r.total)))
	return Object.fromEntries(codes.map((code, i) => [code, totals[i]]))
}

/** How many records pass `query`'s filters with `extra` added. */
export async function countWith(engine: SearchEngine, query: SearchQuery, extra: SearchFilters): Promise<number> {
	return (await engine.search({ ...query, filters: { ...query.filters, ...extra }, page: 1, pageSize: 1 })).total
}

/**
 * Where a region filter stands: the region (undefined when the code names none), the regions
 * above it (province first) and the divisions directly below (the provinces when `code` is null).
 */
export async function regionTrail(db: Kysely<DB>, code: string | null) {
	if (!code) return { region: null, ancestors: [], children: (await listChildren(db, null)).map(brief) }
	const region = await getRegion(db, code)
	if (!region) return undefined
	const [ancestors, children] = await Promise.all([listAncestors(db, code), region.level < 5 ? listChildren(db, code) : Promise.resolve([])])
	return { region: brief(region), ancestors: ancestors.map(brief), children: children.map(brief) }
}

/** Child regions are counted one search each; above this many they are listed without counts. */
const MAX_COUNTED_CHILDREN = 60

/** The region filter's state: the chosen region's trail and its children (with counts when few). */
export async function loadRegionFilter(db: Kysely<DB>, engine: SearchEngine, query: SearchQuery, regionParam: string, placeParam: string) {
	const code = isRegionCode(regionParam) ? regionParam : null
	const trail = (await regionTrail(db, code)) ?? null
	const children = trail?.children ?? []
	const counts = children.length && children.length <= MAX_COUNTED_CHILDREN ? await countPerRegion(engine, query, children.map((c) => c.code)) : null
	// A place typed by name: regions whose name contains it, to choose from.
	const suggestions = placeParam && !isRegionCode(placeParam) ? await searchRegions(db, placeParam, { limit: 8 }) : []
	const names = await fullNames(db, [...(code ? [code] : []), ...suggestions.map((s) => s.code)])
	return {
		// An unknown or malformed code: the filter is not applied and the page says so.
		unknownRegion: regionParam && !trail?.region ? regionParam.slice(0, 20) : null,
		region: trail?.region ? { ...trail.region, fullName: names.get(trail.region.code) ?? trail.region.name } : null,
		ancestors: trail?.ancestors ?? [],
		children: children.map((c) => ({ ...c, count: counts ? (counts[c.code] ?? 0) : null })),
		suggestions: suggestions.map((s) => ({ code: s.code, level: s.level, fullName: names.get(s.code) ?? s.name })),
	}
}
export type RegionFilterData = Awaited<ReturnType<typeof loadRegionFilter>>

function brief(r: { code: string; name: string; level: number; isKeyCounty: number }) {
	return { code: r.code, name: r.name, level: r.level, isKeyCounty: r.isKeyCounty === 1 }
}

export const FINDER_LIMIT = 30

type ParamSource = { get(name: string): unknown }

/**
 * The region-code finder of the offer and project forms: regions whose name contains `regionQ`
 * (at `regionLevel`, or `options.level` when the form wants one level only), with full names.
 * Reads the query from URL search params or a posted form alike.
 */
export async function regionFinder(db: Kysely<DB>, source: ParamSource, options: { level?: RegionLevel } = {}) {
	const q = String(source.get('regionQ') ?? '').trim().slice(0, 50)
	const asked = Number(source.get('regionLevel'))
	const level = options.level ?? ((LEVELS as number[]).includes(asked) ? (asked as RegionLevel) : undefined)
	const found = q ? await searchRegions(db, q, { level, limit: FINDER_LIMIT }) : []
	const names = await fullNames(db, found.map((r) => r.code))
	return {
		q,
		level: level ?? null,
		limit: FINDER_LIMIT,
		regions: found.map((r) => ({ code: r.code, level: r.level, fullName: names.get(r.code) ?? r.name })),
	}
}
export type RegionFinderData = Awaited<ReturnType<typeof regionFinder>>
