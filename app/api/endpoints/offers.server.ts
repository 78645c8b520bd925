// Offers: the browse page's filters over what the viewer may see (drafts only for the provider's
// members, every other status public: the rule of the offer page), and one offer.
// Full-text search is not offered here (see needs.server.ts).
import { z } from 'zod'
import { NEED_CATEGORIES, OFFER_COVERAGES, OFFER_STATUSES } from '#app/models/marketplace-vocab.ts'
import { getOffer } from '#app/models/offer.server.ts'
import { ORG_KINDS, PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { listOffersPage } from '#app/models/api/offer-list.server.ts'
import { getRegion } from '#app/models/region.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { PageQuery, decodeCursor, endpoint, pageOf, pageSchema } from '../http.server.ts'
import { IdQuery, IdSchema, Millis, RegionCodeQuery, many } from './query-params.server.ts'

const RegionRef = z.object({
	code: z.string(),
	name: z.string().describe('Full name, province first'),
})

export const OfferSummarySchema = z
	.object({
		id: z.string(),
		title: z.string(),
		providerOrgId: z.string(),
		providerName: z.string(),
		providerKind: z.enum(ORG_KINDS),
		categories: z.array(z.enum(NEED_CATEGORIES)).describe('The need categories it can serve'),
		measure: z.enum(['amount', 'quantity']).describe('amount: money in fen; quantity: whole units of `unit`'),
		unit: z.string().nullable(),
		capacity: z.number().int().nullable().describe('null: unlimited'),
		capacityUsed: z.number().int().describe('Accepted-or-later commitments drawing on it'),
		remaining: z.number().int().nullable().describe('capacity − capacityUsed (at least 0); null: unlimited'),
		exhausted: z.boolean(),
		coverage: z.enum(OFFER_COVERAGES).describe("nationwide; regions (listed); pairings (the provider's active pairings)"),
		regions: z.array(RegionRef).describe('Lists: the listed regions of a `regions` offer (empty otherwise). Detail: every covered region, pairings resolved'),
		validFrom: Millis,
		validUntil: Millis.describe('Epoch ms of the last valid day (China midnight)'),
		status: z.enum(OFFER_STATUSES),
		displayStatus: z.enum([...OFFER_STATUSES, 'exhausted']).describe('status, with `exhausted` for an active offer without capacity left'),
		publishedAt: Millis.nullable(),
		createdAt: Millis,
		updatedAt: Millis,
	})
	.meta({ id: 'OfferSummary' })

export const OfferSchema = OfferSummarySchema.extend({
	description: z.string(),
	statusNote: z.string().nullable().describe('Why it was paused or withdrawn'),
	coversNowhere: z.boolean().describe('A `pairings` offer whose provider has no active pairing left'),
}).meta({ id: 'Offer' })
export type OfferJson = z.output<typeof OfferSchema>

type OfferDetail = NonNullable<Awaited<ReturnType<typeof getOffer>>>

/** An offer as the API shows it, from getOffer's detail. */
export function offerJson(o: OfferDetail): OfferJson {
	return {
		id: o.id,
		title: o.title,
		providerOrgId: o.providerOrgId,
		providerName: o.providerName,
		providerKind: o.providerKind,
		categories: o.categories,
		measure: o.measure,
		unit: o.unit,
		capacity: o.capacity === null ? null : Number(o.capacity),
		capacityUsed: o.capacityUsed,
		remaining: o.remaining,
		exhausted: o.exhausted,
		coverage: o.coverage,
		regions: o.regions,
		validFrom: Number(o.validFrom),
		validUntil: Number(o.validUntil),
		status: o.status,
		displayStatus: o.displayStatus,
		publishedAt: o.publishedAt,
		createdAt: o.createdAt,
		updatedAt: o.updatedAt,
		description: o.description,
		statusNote: o.statusNote,
		coversNowhere: o.coversNowhere,
	}
}

/** Reads one offer as the viewer may see it, shaped for the API; undefined when not visible. */
export async function loadOfferJson(db: Parameters<typeof getOffer>[0], offerId: string, viewer: Parameters<typeof getOffer>[2]): Promise<OfferJson | undefined> {
	const offer = await getOffer(db, offerId, viewer)
	return offer ? offerJson(offer) : undefined
}

const OfferListQuery = z
	.object({
		category: many(NEED_CATEGORIES, 'A category the offer serves.'),
		orgKind: many(PROVIDER_KINDS, "The provider's kind."),
		status: many(
			OFFER_STATUSES,
			"Status. Without it, every status the token's account may see (drafts only of its own orgs); the browse page's default is `active`. Exhausted is derived: see `displayStatus`."
		),
		region: RegionCodeQuery.describe(
			"A region code at any level: offers listing a region inside it, or reaching inside it through the provider's pairings. Nationwide offers name no region and do not match."
		),
		org: IdQuery.describe("Only this provider's offers."),
		...PageQuery,
	})
	.strict()

export const offersEndpoints = [
	endpoint({
		operationId: 'listOffers',
		method: 'get',
		path: '/offers',
		summary: 'Offers the token may see, newest first',
		description: "The browse page's filters (category, provider kind, status, region) plus the provider. Full-text search is not offered by the API.",
		tags: ['offers'],
		access: 'read',
		query: OfferListQuery,
		response: pageSchema(OfferSummarySchema),
		handler: async ({ db, actor, query }) => {
			const beforeId = decodeCursor(query.cursor)
			if (query.region && !(await getRegion(db, query.region))) throw AppError.invalid({ 'query.region': 'errors.region_not_found' })
			const rows = await listOffersPage(
				db,
				{
					categories: query.category,
					orgKinds: query.orgKind,
					statuses: query.status,
					regionCode: query.region,
					providerOrgId: query.org,
					beforeId,
					limit: query.limit,
				},
				actor
			)
			return { body: pageOf(rows, query.limit) }
		},
	}),
	endpoint({
		operationId: 'getOffer',
		method: 'get',
		path: '/offers/{offerId}',
		summary: 'One offer',
		description: "Drafts answer 404 except to the provider's members.",
		tags: ['offers'],
		access: 'read',
		params: z.object({ offerId: IdSchema }),
		response: OfferSchema,
		handler: async ({ db, actor, params }) => {
			const offer = await loadOfferJson(db, params.offerId, actor)
			if (!offer) throw AppError.notFound()
			return { body: offer }
		},
	}),
]
