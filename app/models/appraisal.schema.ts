// Forms of 实绩考核 appraisals and 工作报告 annual work reports. Pure (no db): runs on client and
// server. Every message is an i18n key (app/locales/*/report.json).
import { z } from 'zod'
import type { AppraisalGrade } from '#db/schema.ts'

export const APPRAISAL_GRADES = ['good', 'fairly_good', 'average', 'poor'] as const satisfies readonly AppraisalGrade[]
export const COMMENT_MAX = 2_000
export const PROBLEMS_MAX = 5_000
export const NEXT_STEPS_MAX = 5_000
export const CASE_NOTE_MAX = 1_000
export const MAX_CASES = 10

/** Points taken off per open accountability record (问责) and per interview (约谈) open past its deadline. */
export const ACCOUNTABILITY_DEDUCTION = 5
export const OVERDUE_INTERVIEW_DEDUCTION = 2

const text = (max: number, requiredKey: string, tooLongKey: string) =>
	z
		.string({ error: requiredKey })
		.trim()
		.min(1, { error: requiredKey })
		.max(max, { error: `${tooLongKey}|${JSON.stringify({ max })}` })

export const AppraisalSchema = z.object({
	grade: z.enum(APPRAISAL_GRADES, { error: 'report.errors.grade' }),
	comment: text(COMMENT_MAX, 'report.errors.comment_required', 'report.errors.comment_too_long'),
})
export type AppraisalInput = z.input<typeof AppraisalSchema>

export const ReportCaseSchema = z.object({
	commitmentId: z.string({ error: 'report.errors.case_not_eligible' }).trim().min(1, { error: 'report.errors.case_not_eligible' }).max(26, { error: 'report.errors.case_not_eligible' }),
	note: z
		.string()
		.trim()
		.max(CASE_NOTE_MAX, { error: `report.errors.case_note_too_long|${JSON.stringify({ max: CASE_NOTE_MAX })}` })
		.optional()
		.transform((v) => v ?? ''),
})

export const WorkReportSchema = z.object({
	problems: text(PROBLEMS_MAX, 'report.errors.problems_required', 'report.errors.problems_too_long'),
	nextSteps: text(NEXT_STEPS_MAX, 'report.errors.next_steps_required', 'report.errors.next_steps_too_long'),
	cases: z
		.array(ReportCaseSchema)
		.max(MAX_CASES, { error: `report.errors.too_many_cases|${JSON.stringify({ max: MAX_CASES })}` })
		.optional()
		.transform((v) => v ?? []),
})
export type WorkReportInput = z.input<typeof WorkReportSchema>

/** `?year=` of the appraisal and report pages: empty → the current year; junk → NaN (the models refuse it). */
export function yearParam(raw: string | null, currentYear: number): number {
	const v = (raw ?? '').trim()
	if (!v) return currentYear
	return /^\d{1,4}$/.test(v) ? Number(v) : Number.NaN
}
