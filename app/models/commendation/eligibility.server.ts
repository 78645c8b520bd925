// The automatic eligibility check of a nomination (资格审查), run when it is made and shown again
// at review. An org is eligible when, in the campaign's period and region, its verified
// contribution (contribution.server.ts) reaches both thresholds, it has no open accountability
// record (问责) and none of its commitments is currently disputed.
//
// A refusal names every failed rule with its figures. The model does not know the reader's
// language, so the message carries the explanation in both (rendered here from the locale files,
// as notification emails are) and the page picks its own: `commendation.errors.ineligible`.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import enMessages from '#app/locales/en/commendation.json' with { type: 'json' }
import zhMessages from '#app/locales/zh-CN/commendation.json' with { type: 'json' }
import { AppError, msg } from '#app/utils/errors.ts'
import { verifiedContribution } from '../contribution.server.ts'

export type EligibilityRule = 'amount' | 'count' | 'accountability' | 'disputed'

/** What is stored in nomination.eligibility (JSON) and shown at review. */
export type Eligibility = {
	eligible: boolean
	failed: EligibilityRule[]
	amountFen: number
	minAmountFen: number
	count: number
	minCount: number
	openAccountability: number
	disputed: number
	periodStart: number
	periodEnd: number
	regionCode: string
	checkedAt: number
}

type CampaignRules = { regionCode: string; periodStart: number; periodEnd: number; minVerifiedAmount: number; minVerifiedCount: number }

/** Runs the check for one org against a campaign's rules. Reads only. */
export async function checkEligibility(db: Kysely<DB>, campaign: CampaignRules, orgId: string, now = Date.now()): Promise<Eligibility> {
	const [contribution] = await verifiedContribution(db, { orgIds: [orgId], regionCode: campaign.regionCode || undefined, start: campaign.periodStart, end: campaign.periodEnd })
	const accountability = await db
		.selectFrom('accountabilityRecord')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('subjectType', '=', 'org')
		.where('subjectId', '=', orgId)
		.where('status', '=', 'open')
		.executeTakeFirstOrThrow()
	const disputed = await db
		.selectFrom('commitment')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('providerOrgId', '=', orgId)
		.where('status', '=', 'disputed')
		.executeTakeFirstOrThrow()
	const figures = {
		amountFen: contribution?.amountFen ?? 0,
		minAmountFen: Number(campaign.minVerifiedAmount),
		count: contribution?.count ?? 0,
		minCount: Number(campaign.minVerifiedCount),
		openAccountability: Number(accountability.n),
		disputed: Number(disputed.n),
	}
	const failed: EligibilityRule[] = []
	if (figures.amountFen < figures.minAmountFen) failed.push('amount')
	if (figures.count < figures.minCount) failed.push('count')
	if (figures.openAccountability > 0) failed.push('accountability')
	if (figures.disputed > 0) failed.push('disputed')
	return {
		eligible: failed.length === 0,
		failed,
		...figures,
		periodStart: campaign.periodStart,
		periodEnd: campaign.periodEnd,
		regionCode: campaign.regionCode,
		checkedAt: now,
	}
}

/** Fen as the check's messages show it, always with two decimals: 120000 → ¥1,200.00. */
export function formatFenExact(fen: number): string {
	return `¥${(fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
}

type RuleMessages = (typeof zhMessages)['commendation']['eligibility']['rules']
const RULES: Record<'zh' | 'en', { rules: RuleMessages; separator: string }> = {
	zh: { rules: zhMessages.commendation.eligibility.rules, separator: zhMessages.commendation.eligibility.separator },
	en: { rules: enMessages.commendation.eligibility.rules, separator: enMessages.commendation.eligibility.separator },
}

function interpolate(template: string, values: Record<string, string | number>): string {
	return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => (values[key] === undefined ? '' : String(values[key])))
}

/** The values each rule's message names. */
export function ruleValues(rule: EligibilityRule, e: Eligibility): Record<string, string | number> {
	if (rule === 'amount') return { amount: formatFenExact(e.amountFen), threshold: formatFenExact(e.minAmountFen) }
	if (rule === 'count') return { count: e.count, threshold: e.minCount }
	if (rule === 'accountability') return { count: e.openAccountability }
	return { count: e.disputed }
}

/** The failed rules of a check, explained in one language. */
export function explainFailures(e: Eligibility, language: 'zh' | 'en'): string {
	const { rules, separator } = RULES[language]
	return e.failed.map((rule) => interpolate(rules[rule], ruleValues(rule, e))).join(separator)
}

/** The refusal of an ineligible nomination: every failed rule with its figures, in both languages. */
export function ineligibleError(e: Eligibility): AppError {
	return new AppError('conflict', msg('commendation.errors.ineligible', { zh: explainFailures(e, 'zh'), en: explainFailures(e, 'en') }))
}

/** Reads a stored check back; undefined when it is not one. */
export function parseEligibility(json: string): Eligibility | undefined {
	try {
		const v = JSON.parse(json) as Partial<Eligibility>
		if (!v || typeof v !== 'object' || typeof v.amountFen !== 'number') return undefined
		return { failed: [], eligible: true, ...v } as Eligibility
	} catch {
		return undefined
	}
}
