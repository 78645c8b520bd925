// /api/v1 writes on needs: create a draft, submit it for review. The handlers call the same model
// functions as the pages (app/routes/needs.new.tsx), so a token can do exactly what its account can.
//
// Money on the way in is integer fen (as the API returns it); the handlers turn it into the yuan
// text the model's form schema parses, so the model's rules (limits, messages) stay the only ones.
import { z } from 'zod'
import { MAX_TARGET, MEASURES, NEED_CATEGORIES, URGENCIES } from '#app/models/marketplace-vocab.ts'
import { MAX_BENEFICIARIES } from '#app/models/need.schema.ts'
import { createNeed, submitNeed } from '#app/models/need.server.ts'
import type { Actor } from '#app/models/policy.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { fenToYuan } from '#app/utils/money.ts'
import { endpoint } from '../http.server.ts'
import { NeedSchema, loadNeedJson } from './needs.server.ts'

// ---------------------------------------------------------------------------------------------
// Shared by the write endpoints (offer-writes, commitment-writes import these).

/** A path id: time-ordered ids are at most 26 characters; anything else is simply not found. */
export const IdParam = z.string().min(1).max(26)

/** 'YYYY-MM-DD' (China time), as the forms take it; the model checks the calendar and the clock. */
export const DateText = z
	.string({ error: 'validation.date_format' })
	.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'validation.date_format' })
	.describe('A date, YYYY-MM-DD (China time)')

/** A positive whole number: fen for money, units for quantities. */
export function wholeAmount(description: string) {
	return z
		.number({ error: 'api.errors.whole_amount' })
		.int({ error: 'api.errors.whole_amount' })
		.min(1, { error: 'validation.must_be_positive' })
		.max(MAX_TARGET, { error: 'validation.amount_too_large' })
		.describe(description)
}

/** An API figure (fen or units) as the form field the model parses (yuan text or a whole number). */
export function formFigure(measure: 'amount' | 'quantity', value: number): string {
	return measure === 'amount' ? fenToYuan(value) : String(value)
}

/**
 * Runs a model call, renaming the fields of its validation errors to the API's names (the form
 * calls the target `amount` or `quantity`; the API calls it `target`).
 */
export async function withFieldNames<T>(names: Record<string, string>, run: () => Promise<T>): Promise<T> {
	try {
		return await run()
	} catch (error) {
		if (error instanceof AppError && error.code === 'invalid') {
			const fields = Object.fromEntries(Object.entries(error.fields).map(([k, v]) => [names[k] ?? k, v]))
			throw AppError.invalid(fields, error.message)
		}
		throw error
	}
}

// ---------------------------------------------------------------------------------------------

/** A write answers with the record as its GET shows it (read back as the caller may see it). */
export function found<T>(value: T | undefined): T {
	if (value === undefined) throw AppError.notFound()
	return value
}

const CreateNeedBody = z
	.object({
		villageOrgId: z
			.string({ error: 'validation.required' })
			.min(1, { error: 'validation.required' })
			.max(26, { error: 'errors.org_not_found' })
			.optional()
			.describe('The village org the need is for (the caller must be a member of it and it must be verified). May be left out when the caller belongs to exactly one verified village org.'),
		title: z.string({ error: 'validation.required' }).describe('Title, 1–200 characters'),
		description: z.string({ error: 'validation.required' }).optional().describe('Description, up to 10,000 characters'),
		category: z.enum(NEED_CATEGORIES, { error: 'validation.category_invalid' }).describe('The category of assistance'),
		measure: z.enum(MEASURES, { error: 'validation.measure_invalid' }).describe('`amount`: money, `target` in fen; `quantity`: `target` in whole `unit`s'),
		target: wholeAmount('What is asked for: for `measure` amount, integer fen (1/100 yuan; 100000 = ¥1,000.00); for quantity, whole units.'),
		unit: z.string({ error: 'validation.required' }).optional().describe('The unit of a quantity (e.g. 人, 台), up to 16 characters; required for `measure` quantity, ignored for amount'),
		beneficiaries: z
			.number({ error: 'validation.whole_number' })
			.int({ error: 'validation.whole_number' })
			.min(0, { error: 'validation.whole_number' })
			.max(MAX_BENEFICIARIES, { error: 'validation.beneficiaries_too_large' })
			.optional()
			.describe('How many people benefit (0 or left out when unknown)'),
		urgency: z.enum(URGENCIES, { error: 'validation.urgency_invalid' }).describe('How urgent'),
		neededBy: DateText.describe('Needed by, YYYY-MM-DD (China time), not in the past'),
	})
	.strict()

const NeedParams = z.object({ needId: IdParam })

/** The village org named, or the caller's only verified village org. */
function villageOrgOf(actor: Actor, named: string | undefined): string {
	if (named) return named
	const villages = actor.memberships.filter((m) => m.kind === 'village' && m.status === 'verified')
	if (villages.length === 1) return villages[0].orgId
	throw AppError.invalid({ villageOrgId: villages.length ? 'api.errors.village_org_ambiguous' : 'api.errors.village_org_none' })
}

export const needWritesEndpoints = [
	endpoint({
		operationId: 'createNeed',
		method: 'post',
		path: '/needs',
		summary: 'Create a draft need for a village org the caller belongs to',
		description: 'Any member of the verified village org may create a draft; submit it with POST /needs/{needId}/submit. Honours Idempotency-Key.',
		tags: ['needs'],
		access: 'write',
		idempotent: true,
		status: 201,
		body: CreateNeedBody,
		response: NeedSchema,
		handler: async ({ db, actor, body, now }) => {
			const villageOrgId = villageOrgOf(actor, body.villageOrgId)
			const form = {
				title: body.title,
				description: body.description ?? '',
				category: body.category,
				measure: body.measure,
				...(body.measure === 'amount' ? { amount: formFigure('amount', body.target) } : { quantity: formFigure('quantity', body.target), unit: body.unit ?? '' }),
				beneficiaries: body.beneficiaries ?? null,
				urgency: body.urgency,
				neededBy: body.neededBy,
			}
			const { id } = await withFieldNames({ amount: 'target', quantity: 'target' }, () => createNeed(db, villageOrgId, form, actor, now))
			return { body: found(await loadNeedJson(db, id, actor)) }
		},
	}),
	endpoint({
		operationId: 'submitNeed',
		method: 'post',
		path: '/needs/{needId}/submit',
		summary: 'Submit a draft or returned need for review',
		description: 'By an owner or admin of the village org. The needed-by date must not have passed. No body (or `{}`).',
		tags: ['needs'],
		access: 'write',
		params: NeedParams,
		body: z.object({}).strict().optional(),
		response: NeedSchema,
		handler: async ({ db, actor, params, now }) => {
			await submitNeed(db, params.needId, actor, now)
			return { body: found(await loadNeedJson(db, params.needId, actor)) }
		},
	}),
]
