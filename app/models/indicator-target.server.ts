// Annual targets (目标) per indicator for a region or a provider, set by an official who
// supervises the subject (subject.server.ts), and actual-against-target rows for the pages.
// Targets are stored in the indicator's unit (INDICATOR_UNITS): fen, people, villages, per-mille
// for rates, days; forms speak yuan, people, villages, percent and days.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { yuanToFen } from '#app/utils/money.ts'
import { recordEvent } from './event.server.ts'
import { INDICATORS, INDICATOR_UNITS, type IndicatorCode, type IndicatorScope, type Indicators, LOWER_IS_BETTER } from './indicator.server.ts'
import type { Actor } from './policy.server.ts'
import { type Subject, actingGovernmentOrg, requireSupervision } from './subject.server.ts'

export const MIN_YEAR = 2021
export const MAX_YEAR = 2100
/** Largest target in any unit (10^12 fen is 100 亿元). */
const MAX_TARGET = 1_000_000_000_000

export function isIndicator(value: string): value is IndicatorCode {
	return (INDICATORS as readonly string[]).includes(value)
}

/** The scope of indicators for a subject. */
export function scopeOf(subject: Pick<Subject, 'type' | 'id'>): IndicatorScope {
	return subject.type === 'region' ? { regionCode: subject.id } : { providerOrgId: subject.id }
}

/**
 * A target as typed in a form → the stored value, or a field error (field `target`): yuan with
 * at most two decimals for money, whole numbers for people, villages and days, a percent 0–100
 * with at most one decimal for rates. Negative or malformed values are refused.
 */
export function parseTargetValue(indicator: IndicatorCode, raw: string): number {
	const text = raw.trim().replace(/[,，\s]/g, '')
	if (!text) throw AppError.invalid({ target: 'indicators.errors.target_required' })
	if (text.startsWith('-')) throw AppError.invalid({ target: 'indicators.errors.target_negative' })
	const unit = INDICATOR_UNITS[indicator]
	let value: number | undefined
	if (unit === 'fen') value = yuanToFen(text)
	else if (unit === 'permille') {
		const m = /^(\d{1,3})(?:\.(\d))?$/.exec(text)
		value = m ? Number(m[1]) * 10 + Number(m[2] ?? 0) : undefined
		if (value !== undefined && value > 1000) throw AppError.invalid({ target: 'indicators.errors.target_percent' })
	} else value = /^\d{1,12}$/.test(text) ? Number(text) : undefined
	if (value === undefined) throw AppError.invalid({ target: `indicators.errors.target_format_${unit}` })
	if (value > MAX_TARGET) throw AppError.invalid({ target: 'indicators.errors.target_too_large' })
	return value
}

function checkYear(year: number) {
	if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) throw AppError.invalid({ year: 'indicators.errors.year' })
}

/**
 * Sets (or replaces) the target of one indicator for a subject and year. The actor must supervise
 * the subject; nothing is written on any error. Records an event.
 */
export async function setTarget(db: Kysely<DB>, subject: Subject, year: number, indicator: string, raw: string, actor: Actor, now = Date.now()) {
	requireSupervision(actor, subject)
	checkYear(year)
	if (!isIndicator(indicator)) throw AppError.invalid({ indicator: 'indicators.errors.indicator' })
	const target = parseTargetValue(indicator, raw)
	const orgId = actingGovernmentOrg(actor, subject)
	await db.transaction().execute(async (trx) => {
		const existing = await trx
			.selectFrom('indicatorTarget')
			.select(['id', 'target'])
			.where('subjectType', '=', subject.type)
			.where('subjectId', '=', subject.id)
			.where('year', '=', year)
			.where('indicator', '=', indicator)
			.executeTakeFirst()
		let id = existing?.id
		if (existing) {
			await trx.updateTable('indicatorTarget').set({ target, setBy: actor.accountId, setByOrgId: orgId, updatedAt: now }).where('id', '=', existing.id).execute()
		} else {
			id = newId(now)
			await trx
				.insertInto('indicatorTarget')
				.values({ id, subjectType: subject.type, subjectId: subject.id, year, indicator, target, setBy: actor.accountId, setByOrgId: orgId, createdAt: now, updatedAt: now })
				.execute()
		}
		await recordEvent(
			trx,
			{
				entityType: 'indicator_target',
				entityId: id as string,
				action: existing ? 'update' : 'create',
				fromState: existing ? String(existing.target) : undefined,
				toState: String(target),
				note: `${subject.type}:${subject.id}:${year}:${indicator}`,
				actorAccountId: actor.accountId,
				actorOrgId: orgId || undefined,
				requestId: actor.requestId,
			},
			now,
		)
	})
	return { target }
}

/** Removes a target (the indicator then shows without one). */
export async function clearTarget(db: Kysely<DB>, subject: Subject, year: number, indicator: string, actor: Actor, now = Date.now()) {
	requireSupervision(actor, subject)
	checkYear(year)
	if (!isIndicator(indicator)) throw AppError.invalid({ indicator: 'indicators.errors.indicator' })
	const orgId = actingGovernmentOrg(actor, subject)
	await db.transaction().execute(async (trx) => {
		const existing = await trx
			.selectFrom('indicatorTarget')
			.select(['id', 'target'])
			.where('subjectType', '=', subject.type)
			.where('subjectId', '=', subject.id)
			.where('year', '=', year)
			.where('indicator', '=', indicator)
			.executeTakeFirst()
		if (!existing) return
		await trx.deleteFrom('indicatorTarget').where('id', '=', existing.id).execute()
		await recordEvent(
			trx,
			{ entityType: 'indicator_target', entityId: existing.id, action: 'clear', fromState: String(existing.target), note: `${subject.type}:${subject.id}:${year}:${indicator}`, actorAccountId: actor.accountId, actorOrgId: orgId || undefined, requestId: actor.requestId },
			now,
		)
	})
}

/** The subject's targets for a year, by indicator. */
export async function listTargets(db: Kysely<DB>, subject: Pick<Subject, 'type' | 'id'>, year: number): Promise<Partial<Record<IndicatorCode, number>>> {
	const rows = await db.selectFrom('indicatorTarget').select(['indicator', 'target']).where('subjectType', '=', subject.type).where('subjectId', '=', subject.id).where('year', '=', year).execute()
	const out: Partial<Record<IndicatorCode, number>> = {}
	for (const r of rows) if (isIndicator(r.indicator)) out[r.indicator] = Number(r.target)
	return out
}

export type TargetRow = {
	indicator: IndicatorCode
	unit: (typeof INDICATOR_UNITS)[IndicatorCode]
	actual: number | null
	target: number | null
	/**
	 * Share of the target reached, in per-mille (1000 = met); for the days to a first commitment
	 * (lower is better) target ÷ actual. null without a target or an actual. Not capped.
	 */
	achievement: number | null
}

/** One row per indicator, in INDICATORS order. */
export function actualVsTarget(actuals: Indicators, targets: Partial<Record<IndicatorCode, number>>): TargetRow[] {
	return INDICATORS.map((indicator) => {
		const actual = actuals[indicator]
		const target = targets[indicator] ?? null
		let achievement: number | null = null
		if (actual !== null && target !== null) {
			if (LOWER_IS_BETTER.has(indicator)) achievement = actual <= 0 ? 1000 : Math.round((1000 * target) / actual)
			else achievement = target === 0 ? 1000 : Math.round((1000 * actual) / target)
		}
		return { indicator, unit: INDICATOR_UNITS[indicator], actual, target, achievement }
	})
}
