import { z } from 'zod'
import type { ProjectType } from '#db/schema.ts'
import { required } from '#app/utils/validation.ts'
import { PROJECT_TYPES } from './marketplace-vocab.ts'
import { DateSchema, parseWhole, parseYuan, regionCodeList } from './offer.schema.ts'

export const MAX_PROJECT_VILLAGES = 100
/** Jobs and people trained: at most 10^7 each. */
export const MAX_PROJECT_COUNT = 10_000_000

const COUNT_FIELDS = ['permanentJobs', 'temporaryJobs', 'peopleTrained'] as const
const count = () => z.union([z.string(), z.number()]).optional()

/**
 * The 万企兴万村 project form (create and edit). Output: plannedInvestment in fen (0 to MAX_TARGET), the three
 * counts as integers (empty = 0), dates as epoch ms of China midnight. "Each code is a village"
 * needs the db: project.server.ts checks it.
 */
export const ProjectSchema = z
	.object({
		title: required(200),
		description: required(10_000),
		type: z.enum(PROJECT_TYPES, { error: 'validation.project_type_invalid' }),
		villageCodes: regionCodeList({
			requiredMessage: 'validation.villages_required',
			max: MAX_PROJECT_VILLAGES,
			tooManyMessage: `validation.villages_too_many|${JSON.stringify({ max: MAX_PROJECT_VILLAGES })}`,
		}),
		plannedInvestment: z.union([z.string(), z.number()], { error: 'validation.required' }),
		permanentJobs: count(),
		temporaryJobs: count(),
		peopleTrained: count(),
		startsOn: DateSchema,
		endsOn: DateSchema,
	})
	.superRefine((v, ctx) => {
		const investment = parseYuan(v.plannedInvestment, { min: 0 })
		if (investment.error) ctx.addIssue({ code: 'custom', path: ['plannedInvestment'], message: investment.error })
		for (const field of COUNT_FIELDS) {
			const parsed = parseCount(v[field])
			if (parsed.error) ctx.addIssue({ code: 'custom', path: [field], message: parsed.error })
		}
		if (typeof v.startsOn === 'number' && typeof v.endsOn === 'number' && v.startsOn > v.endsOn) {
			ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'validation.date_order' })
		}
	})
	.transform(
		(v): ProjectData => ({
			title: v.title,
			description: v.description,
			type: v.type,
			villageCodes: v.villageCodes,
			plannedInvestment: parseYuan(v.plannedInvestment, { min: 0 }).value as number,
			permanentJobs: parseCount(v.permanentJobs).value as number,
			temporaryJobs: parseCount(v.temporaryJobs).value as number,
			peopleTrained: parseCount(v.peopleTrained).value as number,
			startsOn: v.startsOn,
			endsOn: v.endsOn,
		}),
	)
export type ProjectInput = z.input<typeof ProjectSchema>

export type ProjectData = {
	title: string
	description: string
	type: ProjectType
	villageCodes: string[]
	/** fen */
	plannedInvestment: number
	permanentJobs: number
	temporaryJobs: number
	peopleTrained: number
	startsOn: number
	endsOn: number
}

function parseCount(raw: unknown) {
	if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) return { value: 0 }
	return parseWhole(raw, { min: 0, max: MAX_PROJECT_COUNT, tooLarge: 'validation.count_too_large' })
}

export const PROJECT_ACTIONS = ['start', 'complete'] as const
export type ProjectAction = (typeof PROJECT_ACTIONS)[number]

/** Status moves forward one step at a time: planned → running (start) → completed (complete). */
export const ProjectTransitionSchema = z.object({
	action: z.enum(PROJECT_ACTIONS, { error: 'validation.project_action_invalid' }),
})
export type ProjectTransitionInput = z.input<typeof ProjectTransitionSchema>

/** A dated progress update. "Not in the future, not before the start" is checked by the model. */
export const ProjectUpdateSchema = z.object({
	body: required(5_000),
	happenedOn: DateSchema,
})
export type ProjectUpdateInput = z.input<typeof ProjectUpdateSchema>

/**
 * An official's verification of what a project actually invested (yuan in the form, fen out).
 * Zero is allowed (the project invested nothing); negative is not.
 */
export const ProjectVerifySchema = z
	.object({ verifiedInvestment: z.union([z.string(), z.number()], { error: 'validation.required' }) })
	.superRefine((v, ctx) => {
		const investment = parseYuan(v.verifiedInvestment, { min: 0 })
		if (investment.error) ctx.addIssue({ code: 'custom', path: ['verifiedInvestment'], message: investment.error })
	})
	.transform((v) => ({ verifiedInvestment: parseYuan(v.verifiedInvestment, { min: 0 }).value as number }))
export type ProjectVerifyInput = z.input<typeof ProjectVerifySchema>
