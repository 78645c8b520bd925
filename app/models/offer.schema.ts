import { z } from 'zod'
import type { Measure, NeedCategory, OfferCoverage } from '#db/schema.ts'
import { ReasonSchema, optionalText, required } from '#app/utils/validation.ts'
import { MAX_TARGET, MEASURES, NEED_CATEGORIES, OFFER_COVERAGES } from './marketplace-vocab.ts'
import { isRegionCode } from './region-code.ts'
import { parseChinaDate } from '#app/utils/china-date.ts'

/** A form date `YYYY-MM-DD`, output as epoch ms of China midnight. */
export const DateSchema = z
	.string({ error: 'validation.required' })
	.trim()
	.min(1, { error: 'validation.required' })
	.refine((v) => parseChinaDate(v) !== undefined, { error: 'validation.date_format' })
	.transform((v) => parseChinaDate(v) as number)

type Parsed = { value: number; error?: undefined } | { value?: undefined; error: string }

function numberText(raw: unknown): string | undefined {
	if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : 'NaN'
	if (typeof raw !== 'string') return undefined
	// Thousands separators as typed in either language.
	return raw.trim().replace(/[,，\s]/g, '')
}

/**
 * Yuan as typed (string or number, at most 2 decimals) → integer fen. `min` is in fen; amounts
 * above MAX_TARGET fen are refused. Strings avoid floating-point: '0.29' is 29 fen, not 28.999….
 */
export function parseYuan(raw: unknown, options: { min: 0 | 1 }): Parsed {
	const text = numberText(raw)
	if (text === undefined || text === '') return { error: 'validation.required' }
	if (/^-\d+(\.\d+)?$/.test(text)) return { error: options.min > 0 ? 'validation.must_be_positive' : 'validation.must_not_be_negative' }
	const m = /^(\d+)(?:\.(\d+))?$/.exec(text)
	if (!m) return { error: 'validation.number_format' }
	const [, whole, decimals = ''] = m
	if (decimals.length > 2) return { error: 'validation.amount_decimals' }
	const digits = whole.replace(/^0+(?=\d)/, '')
	if (digits.length > 11) return { error: 'validation.amount_too_large' }
	const fen = Number(digits) * 100 + Number(decimals.padEnd(2, '0'))
	if (fen < options.min) return { error: options.min > 0 ? 'validation.must_be_positive' : 'validation.must_not_be_negative' }
	if (fen > MAX_TARGET) return { error: 'validation.amount_too_large' }
	return { value: fen }
}

/** A whole number as typed, within [min, max]; `tooLarge` names the message for the upper bound. */
export function parseWhole(raw: unknown, options: { min: 0 | 1; max: number; tooLarge: string }): Parsed {
	const text = numberText(raw)
	if (text === undefined || text === '') return { error: 'validation.required' }
	if (/^-\d+(\.\d+)?$/.test(text)) return { error: options.min > 0 ? 'validation.must_be_positive' : 'validation.must_not_be_negative' }
	if (/^\d+\.\d+$/.test(text) && !/^\d+\.0+$/.test(text)) return { error: 'validation.whole_number' }
	const m = /^(\d+)(?:\.0+)?$/.exec(text)
	if (!m) return { error: 'validation.number_format' }
	const digits = m[1].replace(/^0+(?=\d)/, '')
	if (digits.length > 16) return { error: options.tooLarge }
	const n = Number(digits)
	if (n < options.min) return { error: options.min > 0 ? 'validation.must_be_positive' : 'validation.must_not_be_negative' }
	if (n > options.max) return { error: options.tooLarge }
	return { value: n }
}

/** A multi-value form field: an array, one value, or codes separated by spaces, commas or 、. */
export function toList(value: unknown): unknown {
	if (value === undefined || value === null || value === '') return []
	if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v.trim() : v)).filter((v) => v !== '')
	if (typeof value === 'string') return value.split(/[\s,，、;；]+/).filter(Boolean)
	return value
}

/** A list of 12-digit region codes, deduplicated; every problem lands on the list's own field. */
export function regionCodeList(options: { requiredMessage: string; max: number; tooManyMessage: string }) {
	return z.preprocess(
		toList,
		z
			.array(z.string(), { error: 'validation.region_code_format' })
			.superRefine((codes, ctx) => {
				const bad = codes.find((c) => !isRegionCode(c))
				if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `validation.region_codes_format|${JSON.stringify({ code: bad.slice(0, 20) })}` })
				else if (codes.length === 0) ctx.addIssue({ code: 'custom', message: options.requiredMessage })
				else if (new Set(codes).size > options.max) ctx.addIssue({ code: 'custom', message: options.tooManyMessage })
			})
			.transform((codes) => [...new Set(codes)]),
	)
}

/** A checkbox: 'on' (HTML), 'true', '1' or true are ticked; anything else is not. */
export const CheckboxSchema = z.preprocess((v) => v === true || v === 'on' || v === 'true' || v === '1' || v === 1, z.boolean())

const CategoriesSchema = z.preprocess(
	toList,
	z
		.array(z.string(), { error: 'validation.category_required' })
		.superRefine((list, ctx) => {
			if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'validation.category_required' })
			else if (list.some((c) => !(NEED_CATEGORIES as readonly string[]).includes(c))) ctx.addIssue({ code: 'custom', message: 'validation.category_invalid' })
		})
		.transform((list) => NEED_CATEGORIES.filter((c) => list.includes(c)) as NeedCategory[]),
)

export const MAX_OFFER_REGIONS = 50

/**
 * The offer form (create and edit). Output: capacity in fen ('amount') or whole units
 * ('quantity'), null when unlimited; dates as epoch ms of China midnight; regionCodes only for
 * coverage 'regions'. "Valid until not in the past" and "each region exists" need the clock and
 * the db: offer.server.ts checks them.
 */
export const OfferSchema = z
	.object({
		title: required(200),
		description: required(10_000),
		categories: CategoriesSchema,
		measure: z.enum(MEASURES, { error: 'validation.measure_invalid' }),
		unit: optionalText(16),
		capacity: z.union([z.string(), z.number()]).optional(),
		unlimited: CheckboxSchema.optional(),
		coverage: z.enum(OFFER_COVERAGES, { error: 'validation.coverage_invalid' }),
		regionCodes: z.unknown().optional(),
		validFrom: DateSchema,
		validUntil: DateSchema,
	})
	.superRefine((v, ctx) => {
		// Runs even when other fields failed (zod 4), so every problem is reported at once: be defensive.
		if (v.measure === 'quantity' && !v.unit) ctx.addIssue({ code: 'custom', path: ['unit'], message: 'validation.unit_required' })
		if (!v.unlimited && (v.measure === 'amount' || v.measure === 'quantity')) {
			const parsed = parseCapacity(v.measure, v.capacity)
			if (parsed.error) ctx.addIssue({ code: 'custom', path: ['capacity'], message: parsed.error === 'validation.required' ? 'validation.capacity_required' : parsed.error })
		}
		if (v.coverage === 'regions') {
			const codes = regionCodeList({ requiredMessage: 'validation.regions_required', max: MAX_OFFER_REGIONS, tooManyMessage: `validation.regions_too_many|${JSON.stringify({ max: MAX_OFFER_REGIONS })}` }).safeParse(v.regionCodes)
			if (!codes.success) ctx.addIssue({ code: 'custom', path: ['regionCodes'], message: codes.error.issues[0].message })
		}
		if (typeof v.validFrom === 'number' && typeof v.validUntil === 'number' && v.validFrom > v.validUntil) {
			ctx.addIssue({ code: 'custom', path: ['validUntil'], message: 'validation.date_order' })
		}
	})
	.transform((v): OfferData => {
		const regionCodes =
			v.coverage === 'regions'
				? regionCodeList({ requiredMessage: '', max: MAX_OFFER_REGIONS, tooManyMessage: '' }).parse(v.regionCodes)
				: []
		return {
			title: v.title,
			description: v.description,
			categories: v.categories,
			measure: v.measure,
			unit: v.measure === 'quantity' ? (v.unit ?? null) : null,
			capacity: v.unlimited ? null : (parseCapacity(v.measure, v.capacity).value as number),
			coverage: v.coverage,
			regionCodes,
			validFrom: v.validFrom,
			validUntil: v.validUntil,
		}
	})
export type OfferInput = z.input<typeof OfferSchema>

export type OfferData = {
	title: string
	description: string
	categories: NeedCategory[]
	measure: Measure
	unit: string | null
	/** fen ('amount') or whole units ('quantity'); null = unlimited */
	capacity: number | null
	coverage: OfferCoverage
	regionCodes: string[]
	validFrom: number
	validUntil: number
}

function parseCapacity(measure: Measure, raw: unknown): Parsed {
	return measure === 'amount' ? parseYuan(raw, { min: 1 }) : parseWhole(raw, { min: 1, max: MAX_TARGET, tooLarge: 'validation.quantity_too_large' })
}

export const OFFER_ACTIONS = ['publish', 'pause', 'resume', 'withdraw'] as const
export type OfferAction = (typeof OFFER_ACTIONS)[number]

/** The status buttons: a withdrawal needs a note (shown on the offer); pausing may give one. */
export const OfferTransitionSchema = z.discriminatedUnion(
	'action',
	[
		z.object({ action: z.literal('publish') }),
		z.object({ action: z.literal('pause'), note: optionalText(500) }),
		z.object({ action: z.literal('resume') }),
		z.object({ action: z.literal('withdraw'), note: ReasonSchema }),
	],
	{ error: 'validation.offer_action_invalid' },
)
export type OfferTransitionInput = z.input<typeof OfferTransitionSchema>
