// The API's offer list: the browse page's filters as one cursor-paged query (newest first). Drafts
// are seen only by the provider's members; every other status is public.
// NOTE: the same rule as `visibleTo` in offer.server.ts (not exported there); a test checks that
// this list and getOffer agree for every offer.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely'
import type { DB, NeedCategory, OfferStatus, OrgKind } from '#db/schema.ts'
import { committedByOffer } from '../commitment/sum-commitment.server.ts'
import { NEED_CATEGORIES } from '../marketplace-vocab.ts'
import { capacityFigures } from '../offer.server.ts'
import type { Actor } from '../policy.server.ts'
import { regionPrefix } from '../region-code.ts'
import { fullNames } from '../region.server.ts'

export type OfferPageFilters = {
	categories?: NeedCategory[]
	orgKinds?: OrgKind[]
	statuses?: OfferStatus[]
	/**
	 * Any level: offers that name a region inside it (coverage 'regions'), or whose provider's
	 * active pairings reach inside it (coverage 'pairings'), as the search index matches them.
	 * Nationwide offers name no region and do not match.
	 */
	regionCode?: string
	providerOrgId?: string
	beforeId?: string
	limit: number
}

function visibleTo(viewer: Actor | null) {
	return (eb: ExpressionBuilder<DB, 'offer'>) => {
		const ownOrgIds = viewer?.memberships.map((m) => m.orgId) ?? []
		return eb.or([eb('offer.status', '<>', 'draft'), eb('offer.providerOrgId', 'in', ownOrgIds.length ? ownOrgIds : [''])])
	}
}

/**
 * One page (limit + 1 rows) of the offers the viewer may see, newest first, as list cards: provider,
 * categories, capacity used and left, the listed regions (coverage 'regions' only) and validity.
 */
export async function listOffersPage(db: Kysely<DB>, filters: OfferPageFilters, viewer: Actor | null) {
	let q = db
		.selectFrom('offer')
		.innerJoin('organization as provider', 'provider.id', 'offer.providerOrgId')
		.select([
			'offer.id',
			'offer.title',
			'offer.providerOrgId',
			'provider.name as providerName',
			'provider.kind as providerKind',
			'offer.measure',
			'offer.unit',
			'offer.capacity',
			'offer.coverage',
			'offer.validFrom',
			'offer.validUntil',
			'offer.status',
			'offer.publishedAt',
			'offer.createdAt',
			'offer.updatedAt',
		])
		.where(visibleTo(viewer))
	if (filters.statuses?.length) q = q.where('offer.status', 'in', filters.statuses)
	if (filters.orgKinds?.length) q = q.where('provider.kind', 'in', filters.orgKinds)
	if (filters.providerOrgId) q = q.where('offer.providerOrgId', '=', filters.providerOrgId)
	if (filters.categories?.length) {
		const categories = filters.categories
		q = q.where((eb) => eb.exists(eb.selectFrom('offerCategory').select('offerCategory.offerId').whereRef('offerCategory.offerId', '=', 'offer.id').where('offerCategory.category', 'in', categories)))
	}
	if (filters.regionCode) {
		const like = `${regionPrefix(filters.regionCode)}%`
		// NOTE: raw SQL, snake_case. A 'pairings' offer reaches its provider's paired regions, and
		// for an East–West partner the regions paired with its own region (offer.server.ts pairedRegionCodes).
		q = q.where(
			sql<boolean>`((offer.coverage = 'regions' and exists (select 1 from offer_region r where r.offer_id = offer.id and r.region_code like ${like}))
			or (offer.coverage = 'pairings' and exists (select 1 from pairing pa where pa.status = 'active' and pa.recipient_region_code like ${like}
				and (pa.provider_org_id = offer.provider_org_id
					or (provider.kind = 'east_west_partner' and pa.kind = 'east_west' and pa.provider_region_code = provider.region_code)))))`
		)
	}
	if (filters.beforeId) q = q.where('offer.id', '<', filters.beforeId)
	const rows = await q
		.orderBy('offer.id', 'desc')
		.limit(filters.limit + 1)
		.execute()
	if (!rows.length) return []
	const ids = rows.map((r) => r.id)
	const [categoryRows, regionRows, used] = await Promise.all([
		db.selectFrom('offerCategory').select(['offerId', 'category']).where('offerId', 'in', ids).execute(),
		db.selectFrom('offerRegion').select(['offerId', 'regionCode']).where('offerId', 'in', ids).orderBy('regionCode').execute(),
		committedByOffer(db, ids),
	])
	const names = await fullNames(db, [...new Set(regionRows.map((r) => r.regionCode))])
	const categories = new Map<string, NeedCategory[]>()
	for (const c of categoryRows) categories.set(c.offerId, [...(categories.get(c.offerId) ?? []), c.category])
	const regions = new Map<string, Array<{ code: string; name: string }>>()
	for (const r of regionRows) regions.set(r.offerId, [...(regions.get(r.offerId) ?? []), { code: r.regionCode, name: names.get(r.regionCode) ?? r.regionCode }])
	return rows.map((r) => {
		const capacity = r.capacity === null ? null : Number(r.capacity)
		const figures = capacityFigures(capacity, used.get(r.id) ?? 0)
		return {
			...r,
			capacity,
			...figures,
			validFrom: Number(r.validFrom),
			validUntil: Number(r.validUntil),
			displayStatus: r.status === 'active' && figures.exhausted ? ('exhausted' as const) : r.status,
			categories: (categories.get(r.id) ?? []).sort((a, b) => NEED_CATEGORIES.indexOf(a) - NEED_CATEGORIES.indexOf(b)),
			regions: r.coverage === 'regions' ? regions.get(r.id) ?? [] : [],
		}
	})
}
