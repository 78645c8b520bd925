// Forms for commitments (one provider, one need; DOMAIN.md). Pure: no db, runs on client and server.
// Amounts are in the need's measure: yuan typed → integer fen for 'amount', whole units for
// 'quantity'; so the pledge and delivery forms are built for a measure (the route knows the need).
import { z } from 'zod'
import type { CommitmentStatus, Measure } from '#db/schema.ts'
import { chinaDayStart, parseChinaDate } from '#app/utils/china-date.ts'
import { formatMeasure } from '#app/utils/format.ts'
import { ReasonSchema, optionalText, required } from '#app/utils/validation.ts'
import { MAX_TARGET } from './marketplace-vocab.ts'
import { parseWhole, parseYuan } from './offer.schema.ts'

export const COMMITMENT_STATUSES = ['pledged', 'accepted', 'in_delivery', 'delivered', 'verified', 'closed', 'declined', 'withdrawn', 'disputed', 'lapsed'] as const satisfies readonly CommitmentStatus[]
export const COMMITMENT_MESSAGE_MAX = 2_000
export const MILESTONE_TITLE_MAX = 200
export const UPDATE_BODY_MAX = 5_000
export const FEEDBACK_COMMENT_MAX = 1_000
export const FEEDBACK_SIDES = ['village', 'provider'] as const
export type FeedbackSide = (typeof FEEDBACK_SIDES)[number]
export const IDEMPOTENCY_KEY_MAX = 64

/**
 * An amount or quantity as the pages show it, for messages that name a figure ("¥1,200",
 * "30 人"). Language-neutral on purpose: the value goes into an error message's JSON.
 */
export function formatFigure(measure: Measure, value: number, unit: string | null): string {
	return formatMeasure(measure, value, unit, 'en')
}

/** An amount field in the need's measure: yuan (≤ 2 decimals) → fen, or a whole quantity; > 0. */
function figureField(measure: Measure) {
	return z.union([z.string(), z.number()], { error: 'validation.required' }).transform((raw, ctx) => {
		const parsed = measure === 'amount' ? parseYuan(raw, { min: 1 }) : parseWhole(raw, { min: 1, max: MAX_TARGET, tooLarge: 'validation.quantity_too_large' })
		if (parsed.error !== undefined) {
			ctx.addIssue({ code: 'custom', message: parsed.error })
			return z.NEVER
		}
		return parsed.value
	})
}

/** A `YYYY-MM-DD` date, China midnight in ms, not before today (China time). */
function dateNotPast(now: () => number) {
	return z.string({ error: 'validation.required' }).transform((raw, ctx) => {
		const v = raw.trim()
		if (v === '') {
			ctx.addIssue({ code: 'custom', message: 'validation.required' })
			return z.NEVER
		}
		const ms = parseChinaDate(v)
		if (ms === undefined) {
			ctx.addIssue({ code: 'custom', message: 'validation.date_format' })
			return z.NEVER
		}
		if (ms < chinaDayStart(now())) {
			ctx.addIssue({ code: 'custom', message: 'validation.date_in_past' })
			return z.NEVER
		}
		return ms
	})
}

const OptionalIdField = z
	.union([z.string(), z.null()])
	.optional()
	.transform((v) => (v && v.trim() ? v.trim() : null))
	.pipe(z.string().max(26, { error: 'errors.commitment_offer_not_found' }).nullable())

/**
 * The pledge form for a need of `measure`. `idempotencyKey` is a hidden field the page fills with
 * a fresh random value on each render, so a double-submitted form carries the same key twice.
 * "Due date after the need's needed-by date" is allowed on purpose (the village decides when it
 * accepts). Output: amount in fen or units, dueAt in ms.
 */
export function commitmentSchema(options: { measure: Measure; now?: () => number }) {
	const now = options.now ?? Date.now
	return z.object({
		providerOrgId: z.string({ error: 'validation.commitment_org_required' }).trim().min(1, { error: 'validation.commitment_org_required' }).max(26, { error: 'errors.org_not_found' }),
		amount: figureField(options.measure),
		dueAt: dateNotPast(now),
		message: optionalText(COMMITMENT_MESSAGE_MAX).transform((v) => v ?? ''),
		offerId: OptionalIdField,
		idempotencyKey: z
			.union([z.string(), z.null()])
			.optional()
			.transform((v) => (v && v.trim() ? v.trim() : null))
			.pipe(
				z
					.string()
					.max(IDEMPOTENCY_KEY_MAX, { error: 'validation.idempotency_key_invalid' })
					.regex(/^[A-Za-z0-9_-]+$/, { error: 'validation.idempotency_key_invalid' })
					.nullable(),
			),
	})
}
export type CommitmentInput = z.input<ReturnType<typeof commitmentSchema>>
export type CommitmentValues = z.output<ReturnType<typeof commitmentSchema>>

/** The village declines a pledge; the provider withdraws; an official disputes: a reason each. */
export const DeclineCommitmentSchema = z.object({ reason: ReasonSchema })
export type DeclineCommitmentInput = z.input<typeof DeclineCommitmentSchema>
export const WithdrawCommitmentSchema = z.object({ reason: ReasonSchema })
export type WithdrawCommitmentInput = z.input<typeof WithdrawCommitmentSchema>
export const DisputeCommitmentSchema = z.object({ reason: ReasonSchema })
export type DisputeCommitmentInput = z.input<typeof DisputeCommitmentSchema>
/** An official verifies; a note is optional. */
export const VerifyCommitmentSchema = z.object({ note: optionalText(500).transform((v) => v ?? '') })
export type VerifyCommitmentInput = z.input<typeof VerifyCommitmentSchema>

/** The village confirms what arrived (> 0; "at most the committed amount" is checked by the model). */
export function confirmDeliverySchema(options: { measure: Measure }) {
	return z.object({ deliveredAmount: figureField(options.measure) })
}
export type ConfirmDeliveryInput = z.input<ReturnType<typeof confirmDeliverySchema>>

/** A milestone: title, due date (not in the past), share of the commitment in whole percent 1–100. */
export function milestoneSchema(options: { now?: () => number } = {}) {
	const now = options.now ?? Date.now
	return z.object({
		title: required(MILESTONE_TITLE_MAX),
		dueAt: dateNotPast(now),
		share: z.union([z.string(), z.number()], { error: 'validation.required' }).transform((raw, ctx) => {
			const parsed = parseWhole(raw, { min: 1, max: 100, tooLarge: 'validation.share_range' })
			if (parsed.error !== undefined) {
				ctx.addIssue({ code: 'custom', message: parsed.error === 'validation.must_be_positive' ? 'validation.share_range' : parsed.error })
				return z.NEVER
			}
			return parsed.value
		}),
	})
}
export type MilestoneInput = z.input<ReturnType<typeof milestoneSchema>>

/** A progress update; evidence files travel beside it (see upload.server.ts). */
export const CommitmentUpdateSchema = z.object({
	body: required(UPDATE_BODY_MAX),
	milestoneId: z
		.union([z.string(), z.null()])
		.optional()
		.transform((v) => (v && v.trim() ? v.trim() : null))
		.pipe(z.string().max(26, { error: 'errors.milestone_not_found' }).nullable()),
})
export type CommitmentUpdateInput = z.input<typeof CommitmentUpdateSchema>

/** Two-way feedback once verified: which side speaks, a whole rating 1–5, an optional comment. */
export const FeedbackSchema = z.object({
	side: z.enum(FEEDBACK_SIDES, { error: 'validation.feedback_side_invalid' }),
	rating: z.union([z.string(), z.number()], { error: 'validation.rating_range' }).transform((raw, ctx) => {
		const text = String(raw).trim()
		if (!/^[1-5]$/.test(text)) {
			ctx.addIssue({ code: 'custom', message: 'validation.rating_range' })
			return z.NEVER
		}
		return Number(text)
	}),
	comment: optionalText(FEEDBACK_COMMENT_MAX).transform((v) => v ?? ''),
})
export type FeedbackInput = z.input<typeof FeedbackSchema>
