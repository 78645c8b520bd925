// Forms of commendation campaigns (表彰, DOMAIN.md 激励约束). Pure: no db, runs on client and
// server. Every message is an i18n key under commendation.errors.* that names its field, so a bad
// input is explained in the user's language next to the field it concerns.
//
// Dates are China calendar days typed as YYYY-MM-DD. End dates are typed inclusive ("until
// 2026-12-31") and stored exclusive (the next China midnight), so every window is [start, end).
import { z } from 'zod'
import type { AwardCategory, CampaignLevel, CampaignStatus, NominationStatus, ObjectionStatus } from '#db/schema.ts'
import { DAY_MS, chinaDayStart, parseChinaDate } from '#app/utils/china-date.ts'

export const AWARD_CATEGORIES = ['advanced_individual', 'advanced_collective', 'social_contribution'] as const satisfies readonly AwardCategory[]
export const CAMPAIGN_LEVELS = ['national', 'provincial', 'city', 'county'] as const satisfies readonly CampaignLevel[]
export const CAMPAIGN_STATUSES = ['draft', 'nominating', 'reviewing', 'notice', 'decided', 'cancelled'] as const satisfies readonly CampaignStatus[]
export const NOMINATION_STATUSES = ['nominated', 'rejected', 'withdrawn', 'awarded'] as const satisfies readonly NominationStatus[]
export const OBJECTION_STATUSES = ['open', 'upheld', 'dismissed'] as const satisfies readonly ObjectionStatus[]

export const CAMPAIGN_TITLE_MAX = 200
export const CAMPAIGN_DESCRIPTION_MAX = 10_000
export const PERSON_NAME_MAX = 64
export const CITATION_MAX = 2_000
export const REVIEW_COMMENT_MAX = 1_000
export const OBJECTION_REASON_MAX = 1_000
export const RESOLUTION_MAX = 1_000
export const REASON_MAX = 500
export const MAX_QUOTA = 1_000
export const MAX_MIN_COUNT = 1_000_000
/** ¥10 billion in fen, as needs and offers. */
export const MAX_THRESHOLD_FEN = 1_000_000_000_000
/** 公示 lasts at least this long. */
export const MIN_NOTICE_DAYS = 5

/** The form field of each category's quota. */
export const QUOTA_FIELDS = {
	advanced_individual: 'quotaAdvancedIndividual',
	advanced_collective: 'quotaAdvancedCollective',
	social_contribution: 'quotaSocialContribution',
} as const satisfies Record<AwardCategory, string>

const E = (key: string) => `commendation.errors.${key}`

function issue(ctx: z.RefinementCtx, message: string): never {
	ctx.addIssue({ code: 'custom', message })
	return z.NEVER
}

const anyText = z.union([z.string(), z.number(), z.null()]).optional().transform((v) => (v === null || v === undefined ? '' : String(v).trim()))

function requiredText(field: string, max: number) {
	return anyText.transform((v, ctx) => {
		if (v === '') return issue(ctx, E(`${field}_required`))
		if (v.length > max) return issue(ctx, `${E(`${field}_too_long`)}|${JSON.stringify({ max })}`)
		return v
	})
}

function optionalText(field: string, max: number) {
	return anyText.transform((v, ctx) => (v.length > max ? issue(ctx, `${E(`${field}_too_long`)}|${JSON.stringify({ max })}`) : v))
}

/** A YYYY-MM-DD date → that China midnight (ms). */
function dateField(field: string) {
	return anyText.transform((v, ctx) => {
		if (v === '') return issue(ctx, E(`${field}_required`))
		const ms = parseChinaDate(v)
		if (ms === undefined) return issue(ctx, E(`${field}_format`))
		return ms
	})
}

/** Yuan as typed (≤ 2 decimals, ≥ 0) → fen. */
function yuanField(field: string) {
	return anyText.transform((v, ctx) => {
		if (v === '') return issue(ctx, E(`${field}_required`))
		if (/^-/.test(v)) return issue(ctx, E(`${field}_negative`))
		const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(v)
		if (!m) return issue(ctx, E(`${field}_format`))
		const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
		if (fen > MAX_THRESHOLD_FEN) return issue(ctx, E(`${field}_too_large`))
		return fen
	})
}

/** A whole number within [min, max]; '' is `blank` (required unless given). */
function wholeField(field: string, options: { min: number; max: number; blank?: number | null }) {
	return anyText.transform((v, ctx): number | null => {
		if (v === '') {
			if (options.blank !== undefined) return options.blank
			return issue(ctx, E(`${field}_required`))
		}
		if (/^-\d/.test(v)) return issue(ctx, E(`${field}_min`))
		if (!/^\d{1,9}$/.test(v)) return issue(ctx, E(`${field}_format`))
		const n = Number(v)
		if (n < options.min) return issue(ctx, E(`${field}_min`))
		if (n > options.max) return issue(ctx, E(`${field}_max`))
		return n
	})
}

function enumField<T extends string>(field: string, values: readonly T[]) {
	return anyText.transform((v, ctx): T => ((values as readonly string[]).includes(v) ? (v as T) : issue(ctx, E(`${field}_invalid`))))
}

/**
 * The new-campaign form. The output is what is stored: fen, epoch ms with exclusive ends, and
 * the categories offered (a blank quota leaves a category out; at least one is required).
 * `organizerOrgId` is the government org the official organizes for ('' when not chosen; the
 * model picks the only one or refuses). `now` is for tests.
 */
export function campaignSchema(now: () => number = Date.now) {
	return z
		.object({
			title: requiredText('title', CAMPAIGN_TITLE_MAX),
			year: anyText.transform((v, ctx) => {
				if (v === '') return issue(ctx, E('year_required'))
				if (!/^\d{4}$/.test(v) || Number(v) < 1990 || Number(v) > 2100) return issue(ctx, E('year_invalid'))
				return Number(v)
			}),
			level: enumField('level', CAMPAIGN_LEVELS),
			organizerOrgId: anyText.transform((v, ctx) => (v.length > 26 ? issue(ctx, E('organizer_invalid')) : v)),
			description: optionalText('description', CAMPAIGN_DESCRIPTION_MAX),
			periodStart: dateField('period_start'),
			periodEnd: dateField('period_end'),
			minAmount: yuanField('min_amount'),
			minCount: wholeField('min_count', { min: 0, max: MAX_MIN_COUNT }),
			nominationEndsOn: dateField('nomination_ends'),
			[QUOTA_FIELDS.advanced_individual]: wholeField('quota', { min: 1, max: MAX_QUOTA, blank: null }),
			[QUOTA_FIELDS.advanced_collective]: wholeField('quota', { min: 1, max: MAX_QUOTA, blank: null }),
			[QUOTA_FIELDS.social_contribution]: wholeField('quota', { min: 1, max: MAX_QUOTA, blank: null }),
		})
		.superRefine((v, ctx) => {
			if (v.periodEnd < v.periodStart) ctx.addIssue({ code: 'custom', path: ['periodEnd'], message: E('period_end_before_start') })
			if (v.nominationEndsOn < chinaDayStart(now())) ctx.addIssue({ code: 'custom', path: ['nominationEndsOn'], message: E('nomination_ends_past') })
			if (AWARD_CATEGORIES.every((c) => v[QUOTA_FIELDS[c]] === null)) {
				ctx.addIssue({ code: 'custom', path: [QUOTA_FIELDS.advanced_individual], message: E('categories_required') })
			}
		})
		.transform((v) => ({
			title: v.title,
			year: v.year,
			level: v.level,
			organizerOrgId: v.organizerOrgId,
			description: v.description,
			periodStart: v.periodStart,
			periodEnd: v.periodEnd + DAY_MS,
			minVerifiedAmount: v.minAmount,
			minVerifiedCount: v.minCount as number,
			nominationEndsAt: v.nominationEndsOn + DAY_MS,
			categories: AWARD_CATEGORIES.filter((c) => v[QUOTA_FIELDS[c]] !== null).map((c) => ({ category: c, quota: v[QUOTA_FIELDS[c]] as number })),
		}))
}
export const CampaignSchema = campaignSchema()
export type CampaignInput = z.input<typeof CampaignSchema>
export type CampaignValues = z.output<typeof CampaignSchema>

/** A nomination: 先进个人 names a person, the collective awards must not. */
export const NominationSchema = z
	.object({
		category: enumField('category', AWARD_CATEGORIES),
		orgId: anyText.transform((v, ctx) => (v === '' ? issue(ctx, E('org_required')) : v.length > 26 ? issue(ctx, E('org_not_found')) : v)),
		personName: optionalText('person_name', PERSON_NAME_MAX),
		citation: requiredText('citation', CITATION_MAX),
	})
	.superRefine((v, ctx) => {
		if (v.category === 'advanced_individual' && v.personName === '') ctx.addIssue({ code: 'custom', path: ['personName'], message: E('person_name_required') })
		if (v.category !== 'advanced_individual' && v.personName !== '') ctx.addIssue({ code: 'custom', path: ['personName'], message: E('person_name_not_allowed') })
	})
export type NominationInput = z.input<typeof NominationSchema>

export const ReviewSchema = z.object({
	score: wholeField('score', { min: 0, max: 100 }).transform((v) => v as number),
	comment: requiredText('comment', REVIEW_COMMENT_MAX),
})
export type ReviewInput = z.input<typeof ReviewSchema>

export const RejectNominationSchema = z.object({ reason: requiredText('reason', REASON_MAX) })
export type RejectNominationInput = z.input<typeof RejectNominationSchema>

export const CancelCampaignSchema = z.object({ reason: requiredText('reason', REASON_MAX) })
export type CancelCampaignInput = z.input<typeof CancelCampaignSchema>

/** A list field (checkboxes) as an array of ids. */
const idList = z
	.union([z.array(z.string()), z.string(), z.null(), z.undefined()])
	.transform((v) => [...new Set((Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean))])

/**
 * Starting the 公示: the window (start today or later, inclusive end date, at least
 * MIN_NOTICE_DAYS long) and the shortlist (nomination ids). A start date of today starts now.
 */
export function noticeSchema(now: () => number = Date.now) {
	return z
		.object({
			noticeStartsOn: dateField('notice_starts'),
			noticeEndsOn: dateField('notice_ends'),
			shortlist: idList,
		})
		.superRefine((v, ctx) => {
			const today = chinaDayStart(now())
			if (v.noticeStartsOn < today) ctx.addIssue({ code: 'custom', path: ['noticeStartsOn'], message: E('notice_starts_past') })
			const start = Math.max(v.noticeStartsOn, now())
			if (v.noticeEndsOn + DAY_MS - start < MIN_NOTICE_DAYS * DAY_MS) {
				ctx.addIssue({ code: 'custom', path: ['noticeEndsOn'], message: `${E('notice_too_short')}|${JSON.stringify({ days: MIN_NOTICE_DAYS })}` })
			}
			if (v.shortlist.length === 0) ctx.addIssue({ code: 'custom', path: ['shortlist'], message: E('shortlist_required') })
		})
		.transform((v) => ({
			noticeStartsAt: Math.max(v.noticeStartsOn, now()),
			noticeEndsAt: v.noticeEndsOn + DAY_MS,
			shortlist: v.shortlist,
		}))
}
export const NoticeSchema = noticeSchema()
export type NoticeInput = z.input<typeof NoticeSchema>

export const ObjectionSchema = z.object({ reason: requiredText('objection_reason', OBJECTION_REASON_MAX) })
export type ObjectionInput = z.input<typeof ObjectionSchema>

export const ResolveObjectionSchema = z.object({
	decision: enumField('decision', ['upheld', 'dismissed'] as const),
	resolution: requiredText('resolution', RESOLUTION_MAX),
})
export type ResolveObjectionInput = z.input<typeof ResolveObjectionSchema>
