// /api/v1 writes on offers: create a draft for an org the caller acts for, publish it. The same
// model functions as the pages (app/routes/offers.new.tsx, offers.$offerId.tsx). Money in fen.
import { z } from 'zod'
import { MEASURES, NEED_CATEGORIES, OFFER_COVERAGES } from '#app/models/marketplace-vocab.ts'
import { MAX_OFFER_REGIONS } from '#app/models/offer.schema.ts'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import { endpoint } from '../http.server.ts'
import { DateText, IdParam, formFigure, found, wholeAmount } from './need-writes.server.ts'
import { OfferSchema, loadOfferJson } from './offers.server.ts'

const CreateOfferBody = z
	.object({
		orgId: z
			.string({ error: 'validation.offer_org_required' })
			.min(1, { error: 'validation.offer_org_required' })
			.max(26, { error: 'errors.org_not_found' })
			.describe('The provider org offering (the caller must be a member; the org must be a verified provider, not a village or government)'),
		title: z.string({ error: 'validation.required' }).describe('Title, 1–200 characters'),
		description: z.string({ error: 'validation.required' }).describe('Description, 1–10,000 characters'),
		categories: z
			.array(z.enum(NEED_CATEGORIES, { error: 'validation.category_invalid' }), { error: 'validation.category_required' })
			.min(1, { error: 'validation.category_required' })
			.describe('The categories of need the offer serves (at least one)'),
		measure: z.enum(MEASURES, { error: 'validation.measure_invalid' }).describe('`amount`: money, `capacity` in fen; `quantity`: `capacity` in whole `unit`s'),
		unit: z.string({ error: 'validation.required' }).optional().describe('The unit of a quantity, up to 16 characters; required for `measure` quantity'),
		capacity: wholeAmount('How much can be given: for `measure` amount, integer fen (1/100 yuan; 500000 = ¥5,000.00); for quantity, whole units; null for no limit.').nullable(),
		coverage: z.enum(OFFER_COVERAGES, { error: 'validation.coverage_invalid' }).describe('Where the offer applies: nationwide, the listed regions, or the org’s paired regions'),
		regionCodes: z
			.array(z.string({ error: 'validation.region_code_format' }), { error: 'validation.region_code_format' })
			.max(MAX_OFFER_REGIONS, { error: `validation.regions_too_many|${JSON.stringify({ max: MAX_OFFER_REGIONS })}` })
			.optional()
			.describe(`12-digit region codes, 1–${MAX_OFFER_REGIONS}; required for coverage \`regions\`, ignored otherwise`),
		validFrom: DateText.describe('First valid day, YYYY-MM-DD (China time)'),
		validUntil: DateText.describe('Last valid day, YYYY-MM-DD (China time), not before validFrom nor in the past'),
	})
	.strict()

export const offerWritesEndpoints = [
	endpoint({
		operationId: 'createOffer',
		method: 'post',
		path: '/offers',
		summary: 'Create a draft offer for a provider org the caller belongs to',
		description: 'Any member of the verified provider org may create a draft; an owner or admin publishes it with POST /offers/{offerId}/publish. Honours Idempotency-Key.',
		tags: ['offers'],
		access: 'write',
		idempotent: true,
		status: 201,
		body: CreateOfferBody,
		response: OfferSchema,
		handler: async ({ db, actor, body, now }) => {
			const form = {
				title: body.title,
				description: body.description,
				categories: body.categories,
				measure: body.measure,
				unit: body.unit,
				capacity: body.capacity === null ? undefined : formFigure(body.measure, body.capacity),
				unlimited: body.capacity === null,
				coverage: body.coverage,
				regionCodes: body.coverage === 'regions' ? (body.regionCodes ?? []) : [],
				validFrom: body.validFrom,
				validUntil: body.validUntil,
			}
			const { id } = await createOffer(db, body.orgId, form, actor, now)
			return { body: found(await loadOfferJson(db, id, actor)) }
		},
	}),
	endpoint({
		operationId: 'publishOffer',
		method: 'post',
		path: '/offers/{offerId}/publish',
		summary: 'Publish a draft offer',
		description: 'By an owner or admin of the verified provider org, while the validity window has not ended (and, for coverage `pairings`, with an active pairing). No body (or `{}`).',
		tags: ['offers'],
		access: 'write',
		params: z.object({ offerId: IdParam }),
		body: z.object({}).strict().optional(),
		response: OfferSchema,
		handler: async ({ db, actor, params, now }) => {
			await transitionOffer(db, params.offerId, { action: 'publish' }, actor, now)
			return { body: found(await loadOfferJson(db, params.offerId, actor)) }
		},
	}),
]
