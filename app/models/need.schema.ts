// Forms for village needs. Pure: no db, runs on client and server. Text is kept as typed (trimmed
// only): HTML in a title is stored as written and escaped when rendered, never stripped silently.
import { z } from 'zod'
import { chinaDayStart, formatChinaDate, parseChinaDate } from '#app/utils/china-date.ts'
import { fenToYuan, yuanToFen } from '#app/utils/money.ts'
import { ReasonSchema, optionalText, required } from '#app/utils/validation.ts'
import { MAX_TARGET, NEED_CATEGORIES, URGENCIES } from './marketplace-vocab.ts'

export const MAX_NEED_PHOTOS = 6
export const MAX_BENEFICIARIES = 100_000_000
export const NEED_TITLE_MAX = 200
export const NEED_DESCRIPTION_MAX = 10_000
export const NEED_UNIT_MAX = 16

// Form values arrive as strings; API callers and tests may pass numbers.
const numberText = z.union([z.string(), z.number()], { error: 'validation.required' }).transform((v) => String(v).trim())

const AmountField = numberText.transform((v, ctx) => {
	if (v === '') return issue(ctx, 'validation.required')
	const fen = yuanToFen(v)
	if (fen === undefined) return issue(ctx, 'validation.amount_format')
	if (fen <= 0) return issue(ctx, 'validation.must_be_positive')
	if (fen > MAX_TARGET) return issue(ctx, 'validation.amount_too_large')
	return fen
})

const QuantityField = numberText.transform((v, ctx) => {
	if (v === '') return issue(ctx, 'validation.required')
	if (!/^\d{1,15}$/.test(v)) return issue(ctx, 'validation.whole_number')
	const n = Number(v)
	if (n <= 0) return issue(ctx, 'validation.must_be_positive')
	if (n > MAX_TARGET) return issue(ctx, 'validation.quantity_too_large')
	return n
})

const BeneficiariesField = z
	.union([z.string(), z.number(), z.null()], { error: 'validation.whole_number' })
	.optional()
	.transform((v, ctx) => {
		const text = v === null || v === undefined ? '' : String(v).trim()
		if (text === '') return 0
		if (!/^\d{1,15}$/.test(text)) return issue(ctx, 'validation.whole_number')
		const n = Number(text)
		if (n > MAX_BENEFICIARIES) return issue(ctx, 'validation.beneficiaries_too_large')
		return n
	})

function issue(ctx: z.RefinementCtx, message: string): never {
	ctx.addIssue({ code: 'custom', message })
	return z.NEVER
}

/** A 'YYYY-MM-DD' date → China midnight ms, on or after today (or strictly after, with `future`). */
function dateField(now: () => number, rule: 'not_past' | 'future') {
	return z.string({ error: 'validation.required' }).transform((raw, ctx) => {
		const v = raw.trim()
		if (v === '') return issue(ctx, 'validation.required')
		const ms = parseChinaDate(v)
		if (ms === undefined) return issue(ctx, 'validation.date_format')
		const today = chinaDayStart(now())
		if (rule === 'not_past' && ms < today) return issue(ctx, 'validation.date_in_past')
		if (rule === 'future' && ms <= today) return issue(ctx, 'validation.date_not_future')
		return ms
	})
}

function needFields(now: () => number) {
	return {
		title: required(NEED_TITLE_MAX),
		description: optionalText(NEED_DESCRIPTION_MAX).transform((v) => v ?? ''),
		category: z.enum(NEED_CATEGORIES, { error: 'validation.category_invalid' }),
		beneficiaries: BeneficiariesField,
		urgency: z.enum(URGENCIES, { error: 'validation.urgency_invalid' }),
		neededBy: dateField(now, 'not_past'),
	}
}

/**
 * The create and edit form. `measure` picks the target field: `amount` (yuan, up to 2 decimals)
 * or `quantity` (a whole number) with its `unit`. The output is what is stored: `target` in fen
 * or units, `neededBy` as epoch ms. `now` is for tests; the default reads the clock at parse time.
 */
export function needSchema(now: () => number = Date.now) {
	const fields = needFields(now)
	return z
		.discriminatedUnion(
			'measure',
			[
				z.object({ ...fields, measure: z.literal('amount'), amount: AmountField }),
				z.object({ ...fields, measure: z.literal('quantity'), quantity: QuantityField, unit: required(NEED_UNIT_MAX) }),
			],
			{ error: 'validation.measure_invalid' },
		)
		.transform((v) => ({
			title: v.title,
			description: v.description,
			category: v.category,
			measure: v.measure,
			target: v.measure === 'amount' ? v.amount : v.quantity,
			unit: v.measure === 'quantity' ? v.unit : null,
			beneficiaries: v.beneficiaries,
			urgency: v.urgency,
			neededBy: v.neededBy,
		}))
}
export const NeedSchema = needSchema()
export type NeedInput = z.input<typeof NeedSchema>
export type NeedValues = z.output<typeof NeedSchema>

/** The form's values for an existing need (edit form defaults). */
export function needFormValues(need: {
	title: string
	description: string
	category: string
	measure: string
	target: number
	unit: string | null
	beneficiaries: number
	urgency: string
	neededBy: number
}) {
	return {
		title: need.title,
		description: need.description,
		category: need.category,
		measure: need.measure,
		amount: need.measure === 'amount' ? fenToYuan(need.target) : '',
		quantity: need.measure === 'quantity' ? String(need.target) : '',
		unit: need.unit ?? '',
		beneficiaries: String(need.beneficiaries),
		urgency: need.urgency,
		neededBy: formatChinaDate(need.neededBy),
	}
}

export const REVIEW_DECISIONS = ['publish', 'return', 'reject'] as const

/** An official's review of a submitted need: a reason is required to return or reject. */
export const ReviewNeedSchema = z.discriminatedUnion(
	'decision',
	[
		z.object({ decision: z.literal('publish'), note: optionalText(500) }),
		z.object({ decision: z.literal('return'), reason: ReasonSchema }),
		z.object({ decision: z.literal('reject'), reason: ReasonSchema }),
	],
	{ error: 'validation.decision_invalid' },
)
export type ReviewNeedInput = z.input<typeof ReviewNeedSchema>

export const CancelNeedSchema = z.object({ reason: ReasonSchema })
export type CancelNeedInput = z.input<typeof CancelNeedSchema>

export const CloseNeedSchema = z.object({ note: ReasonSchema })
export type CloseNeedInput = z.input<typeof CloseNeedSchema>

/** A new needed-by date, strictly after today (China time). */
export function reconfirmNeedSchema(now: () => number = Date.now) {
	return z.object({ neededBy: dateField(now, 'future') })
}
export const ReconfirmNeedSchema = reconfirmNeedSchema()
export type ReconfirmNeedInput = z.input<typeof ReconfirmNeedSchema>

export const MarkDuplicateSchema = z.object({
	duplicateOf: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(26, { error: 'errors.need_duplicate_target_not_found' }),
	note: optionalText(500),
})
export type MarkDuplicateInput = z.input<typeof MarkDuplicateSchema>
