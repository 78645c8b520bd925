// The weights of the suggestion score (docs/suggestions.md): the one place they are set. Every
// factor is a number in 0..1 and the weights add up to 1, so a score is a share of the best
// possible match and reads the same for every need and offer. Pure: tests and docs import it.
import type { PairingKind, Urgency } from '#db/schema.ts'

export type SuggestionFactor = 'pairing' | 'geography' | 'capacity' | 'onTime' | 'text' | 'urgency' | 'neededBy' | 'keyCounty'

export const SUGGESTION_WEIGHTS = {
	// 结对关系 is how assistance is organised (定点帮扶, 东西部协作, 万企兴万村): a paired provider is
	// accountable for the place and already knows it. The heaviest factor, and heavy enough that
	// the weakest pairing tier (0.6 × 0.30 = 0.18) still beats the best geography (0.15).
	pairing: 0.3,
	// A provider nearby delivers more cheaply and follows up in person; it ranks below any
	// pairing because proximity carries no assigned responsibility.
	geography: 0.15,
	// An offer that can close the whole remaining gap saves the village a second search and a
	// second commitment; a partial one still helps in proportion.
	capacity: 0.15,
	// Verified on-time delivery is what the assessment counts (only verified amounts count); a
	// record of it predicts the next delivery. Smoothed towards a neutral prior (ON_TIME_PRIOR) so
	// one lucky delivery does not outrank a long good record, and a newcomer is not punished.
	onTime: 0.1,
	// Words the village used also appear in the offer: the closest thing to "this is the same
	// thing" the categories cannot say. Kept modest: titles are short and relevance is relative.
	text: 0.1,
	// Need-side factors: the same for every offer suggested to one need (they order needs for an
	// offer, and keep scores comparable across needs). Urgency is the village's own judgement…
	urgency: 0.08,
	// …and a close needed-by date the hard fact behind it.
	neededBy: 0.05,
	// 国家乡村振兴重点帮扶县 get priority by policy (DOMAIN.md).
	keyCounty: 0.07,
} as const satisfies Record<SuggestionFactor, number>

/**
 * Gates, not weights: a candidate must pass all of them or it is not suggested. Category is a gate
 * in both directions: an offer declares the categories it serves, so suggesting it for another
 * category would put a promise in its mouth it never made (and the filter runs in SQL).
 */
export const SUGGESTION_GATES = [
	'need published; offer active, within its validity window, provider verified',
	'same measure, and the same unit for quantities',
	"the offer serves the need's category (offer_category)",
	"the offer covers the need's village (nationwide, a listed region at or above it, or the provider's pairings)",
	'capacity left (or unlimited), and a gap left on the need',
] as const

/** Pairing tiers: only the strongest relation counts. */
export const PAIRING_TIERS = {
	// 结对帮扶 with this very village: the most specific commitment there is.
	twinning: 1,
	// 定点帮扶 of the village's county: a central unit answerable for the county.
	targeted: 0.8,
	// 东西部协作 between the provider's region and the village's province, city or county: a
	// region-to-region duty, shared by many eastern providers.
	east_west: 0.6,
} as const satisfies Record<PairingKind, number>

/** Geography tiers: the provider org's region against the village's. */
export const GEOGRAPHY_TIERS = { county: 1, city: 0.6, province: 0.3 } as const

/** Urgency as a 0..1 value: evenly spaced, as the four levels are. */
export const URGENCY_VALUES = { critical: 1, high: 2 / 3, normal: 1 / 3, low: 0 } as const satisfies Record<Urgency, number>

/**
 * Needed-by closeness: 1 when the date has come (or passed), falling linearly to 0 at this many
 * days ahead. Half a year: beyond it, one date is as far as another for planning.
 */
export const NEEDED_BY_HORIZON_DAYS = 180

/** Beta prior for the on-time rate: `strength` imaginary deliveries at `rate`. */
export const ON_TIME_PRIOR = { rate: 0.5, strength: 2 } as const

/** Thresholds for showing a reason (the score counts the factor either way). */
export const REASON_THRESHOLDS = {
	/** Needed within this many days: "needed soon". */
	neededSoonDays: 30,
	/** Normalised text relevance at or above which "matches your words" is shown. */
	textMatch: 0.2,
} as const

/**
 * Title words sent to the search engine, one query each (both engines AND the words of one query,
 * so a single query of the whole title would rarely match). Each query costs the embedded engine
 * 2–50 ms at 50,000 offers (docs/suggestions.md): three words keep most of the signal.
 */
export const TEXT_QUERY_WORDS = 3

/**
 * Every reason code a suggestion can carry, in the order reasons are listed. Each is an i18n key in
 * app/locales/<lng>/suggestion.json.
 */
export const REASON_CODES = [
	'suggestion.reason.twinning',
	'suggestion.reason.targeted',
	'suggestion.reason.east_west',
	'suggestion.reason.same_county',
	'suggestion.reason.same_city',
	'suggestion.reason.same_province',
	'suggestion.reason.category',
	'suggestion.reason.capacity_full',
	'suggestion.reason.capacity_partial',
	'suggestion.reason.urgent',
	'suggestion.reason.needed_soon',
	'suggestion.reason.key_county',
	'suggestion.reason.on_time',
	'suggestion.reason.text_match',
] as const

export type ReasonCode = (typeof REASON_CODES)[number]
