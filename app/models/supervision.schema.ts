// Forms and list filters of 督查 supervision: 约谈 interviews, their follow-ups, 问责 accountability
// records. Pure (no db): runs on client and server. Every message is an i18n key.
import { z } from 'zod'
import type { InterviewStatus, SubjectType } from '#db/schema.ts'
import { chinaDayStart, parseChinaDate } from '#app/utils/china-date.ts'
import { required } from '#app/utils/validation.ts'

export const SUPERVISION_LISTS = ['overdue', 'stale', 'lagging', 'unpaired'] as const
export type SupervisionList = (typeof SUPERVISION_LISTS)[number]
export const SUBJECT_TYPE_VALUES = ['region', 'org'] as const satisfies readonly SubjectType[]
export const INTERVIEW_STATUSES = ['open', 'rectified', 'unresolved'] as const satisfies readonly InterviewStatus[]
export const ACCOUNTABILITY_STATUSES = ['open', 'closed'] as const

/** A need published longer ago than this, with nothing accepted, is stale. */
export const STALE_NEED_DAYS = 60
/** Providers below this on-time rate (percent) lag, unless the official picks another. */
export const DEFAULT_ON_TIME_THRESHOLD = 80
/** A provider's rate is shown only from this many counted commitments on. */
export const MIN_COUNTED_COMMITMENTS = 3

export const ATTENDEES_MAX = 1_000
export const ISSUES_MAX = 5_000
export const RECTIFICATION_MAX = 5_000
export const NOTE_MAX = 2_000
export const FAILURE_MAX = 5_000
export const MEASURES_MAX = 5_000
export const MAX_CITED_COMMITMENTS = 50
// ID_PATTERN of app/utils/id.ts, repeated: that module needs node:crypto, and this schema also
// runs in the browser.
const ID_SHAPE = /^[0-9A-HJKMNP-TV-Z]{26}$/

const subjectFields = {
	subjectType: z.enum(SUBJECT_TYPE_VALUES, { error: 'supervision.errors.subject_type' }),
	subjectId: z
		.string({ error: 'validation.required' })
		.trim()
		.min(1, { error: 'validation.required' })
		.max(26, { error: 'supervision.errors.subject_not_found' }),
}

type DateRule = 'not_future' | 'not_past'

/** A `YYYY-MM-DD` China date → its midnight (ms); held-on dates may not be later than today, deadlines not earlier. */
function chinaDate(rule: DateRule, now: () => number) {
	return z.string({ error: 'validation.required' }).transform((raw, ctx) => {
		const v = raw.trim()
		if (v === '') {
			ctx.addIssue({ code: 'custom', message: 'validation.required' })
			return z.NEVER
		}
		const ms = parseChinaDate(v)
		if (ms === undefined) {
			ctx.addIssue({ code: 'custom', message: 'supervision.errors.date_format' })
			return z.NEVER
		}
		const today = chinaDayStart(now())
		if (rule === 'not_future' && ms > today) {
			ctx.addIssue({ code: 'custom', message: 'supervision.errors.held_in_future' })
			return z.NEVER
		}
		if (rule === 'not_past' && ms < today) {
			ctx.addIssue({ code: 'custom', message: 'supervision.errors.deadline_past' })
			return z.NEVER
		}
		return ms
	})
}

/** The 约谈 form. Output: heldAt and deadline as China midnights (ms). */
export function interviewSchema(now: () => number = Date.now) {
	return z.object({
		...subjectFields,
		heldOn: chinaDate('not_future', now),
		attendees: required(ATTENDEES_MAX),
		issues: required(ISSUES_MAX),
		rectification: required(RECTIFICATION_MAX),
		deadline: chinaDate('not_past', now),
	})
}
export type InterviewInput = z.output<ReturnType<typeof interviewSchema>>

/** A follow-up: a note, and the status it leaves the interview in ('open' = progress only). */
export const FollowUpSchema = z.object({
	note: required(NOTE_MAX),
	statusTo: z.enum(INTERVIEW_STATUSES, { error: 'supervision.errors.status_invalid' }),
})
export type FollowUpInput = z.output<typeof FollowUpSchema>

/** Commitment ids typed or pasted: separated by spaces, commas, 、 or new lines; deduplicated. */
export const CommitmentIdsField = z
	.union([z.string(), z.array(z.string())])
	.optional()
	.transform((raw, ctx) => {
		const parts = (Array.isArray(raw) ? raw : [raw ?? ''])
			.flatMap((s) => s.split(/[\s,，、;；]+/))
			.map((s) => s.trim().toUpperCase())
			.filter(Boolean)
		const ids = [...new Set(parts)]
		const bad = ids.find((id) => !ID_SHAPE.test(id))
		if (bad) {
			ctx.addIssue({ code: 'custom', message: `supervision.errors.commitment_id_format|${JSON.stringify({ id: bad.slice(0, 40) })}` })
			return z.NEVER
		}
		if (ids.length > MAX_CITED_COMMITMENTS) {
			ctx.addIssue({ code: 'custom', message: `supervision.errors.too_many_commitments|${JSON.stringify({ max: MAX_CITED_COMMITMENTS })}` })
			return z.NEVER
		}
		return ids
	})

/** The 问责 form. */
export const AccountabilitySchema = z.object({
	...subjectFields,
	failure: required(FAILURE_MAX),
	measures: required(MEASURES_MAX),
	commitmentIds: CommitmentIdsField,
})
export type AccountabilityInput = z.output<typeof AccountabilitySchema>

export const CloseAccountabilitySchema = z.object({ note: required(NOTE_MAX) })
export type CloseAccountabilityInput = z.output<typeof CloseAccountabilitySchema>

/** ?threshold= as a whole percent 0–100; anything else is an error for the field. */
export function parseThreshold(raw: string | null): { value: number; error?: string } {
	if (raw === null || raw.trim() === '') return { value: DEFAULT_ON_TIME_THRESHOLD }
	const n = Number(raw.trim())
	if (!Number.isInteger(n) || n < 0 || n > 100) return { value: DEFAULT_ON_TIME_THRESHOLD, error: 'supervision.errors.threshold' }
	return { value: n }
}

export function isSupervisionList(value: unknown): value is SupervisionList {
	return (SUPERVISION_LISTS as readonly unknown[]).includes(value)
}
