// The marketplace's closed vocabularies (DOMAIN.md). Labels live in app/locales/*/common.json
// under vocab.*; these lists are the only place the codes are enumerated.
import type { NeedCategory } from '#db/schema.ts'
export const NEED_CATEGORIES = [
	'industry',
	'talent',
	'culture',
	'ecology',
	'organization',
	'infrastructure',
	'education',
	'health',
	'employment',
	'consumption',
	'social_protection',
] as const
/**
 * An offer's categories as a bit mask (offer.category_mask): bit i is NEED_CATEGORIES[i]. NOTE:
 * stored in rows, so the order above is frozen: add new categories at the end, never reorder
 * (migration 202611240900_suggestion_speedups holds the same list; a test compares them).
 */
export const CATEGORY_BITS: Readonly<Record<NeedCategory, number>> = Object.fromEntries(NEED_CATEGORIES.map((c, i) => [c, 2 ** i])) as Record<NeedCategory, number>

export function categoryMask(categories: Iterable<NeedCategory>): number {
	let mask = 0
	for (const c of new Set(categories)) mask |= CATEGORY_BITS[c]
	return mask
}

export const MEASURES = ['amount', 'quantity'] as const
export const URGENCIES = ['low', 'normal', 'high', 'critical'] as const
export const NEED_STATUSES = ['draft', 'submitted', 'returned', 'rejected', 'published', 'closed', 'cancelled', 'expired', 'duplicate'] as const
export const OFFER_STATUSES = ['draft', 'active', 'paused', 'withdrawn', 'expired'] as const
export const OFFER_COVERAGES = ['nationwide', 'regions', 'pairings'] as const
export const PROJECT_TYPES = ['industry', 'public_welfare'] as const
export const PROJECT_STATUSES = ['planned', 'running', 'completed'] as const

/** Largest amount or quantity accepted anywhere: 10^12 fen (100 亿元). */
export const MAX_TARGET = 1_000_000_000_000
