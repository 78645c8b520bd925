// Suggestions (issue "Matching and commitments", item 1): which offers fit a published need, and
// which needs an active offer could serve. Candidates are filtered in SQL (the gates in
// suggestion-weights.ts), facts about their providers are loaded in a few batched queries, and the
// score is a weighted sum computed in memory. docs/suggestions.md explains the rules and the bench.
import { type ExpressionBuilder, type Kysely, sql } from 'kysely'
import type { DB, NeedCategory, OfferCoverage, OrgKind, PairingKind, Urgency } from '#db/schema.ts'
import { getSearchEngine } from '#app/search/index.server.ts'
import type { RelevanceHit, RelevanceScorer, SearchEngine, SearchFilters, SearchType } from '#app/search/port.ts'
import { splitWords } from '#app/search/tokenize.ts'
import { DAY_MS, chinaDayStart } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { latestChange } from './figures-cache.server.ts'
import { OVERDUE_STATUSES } from './commitment/query-commitment.server.ts'
import { COUNTED_STATUSES, VERIFIED_STATUSES, committedByNeed, committedByOffer } from './commitment/sum-commitment.server.ts'
import { pairedRegionCodes } from './offer.server.ts'
import { CATEGORY_BITS } from './marketplace-vocab.ts'
import { ancestorCodes, codeAtLevel, isRegionCode, levelOfCode, regionPrefix } from './region-code.ts'
import { isInKeyCounty, keyCountiesAmong } from './region.server.ts'
import {
	GEOGRAPHY_TIERS,
	NEEDED_BY_HORIZON_DAYS,
	ON_TIME_PRIOR,
	PAIRING_TIERS,
	REASON_THRESHOLDS,
	type ReasonCode,
	type SuggestionFactor,
	SUGGESTION_WEIGHTS,
	TEXT_QUERY_WORDS,
	URGENCY_VALUES,
} from './suggestion-weights.ts'

export type SuggestionReason = { code: ReasonCode; params: Record<string, string | number> }

export type OfferSuggestion = {
	offerId: string
	providerOrgId: string
	providerName: string
	providerKind: OrgKind
	title: string
	score: number
	reasons: SuggestionReason[]
}

export type NeedSuggestion = {
	needId: string
	villageCode: string
	villageName: string
	title: string
	score: number
	reasons: SuggestionReason[]
}

export type SuggestOptions = {
	/** Default 10. */
	limit?: number
	now?: number
	/**
	 * For text relevance. Default: the process-wide engine. `null`, an engine that throws, or one
	 * slower than TEXT_SEARCH_TIMEOUT_MS: the text factor is 0 for every candidate.
	 */
	engine?: SearchEngine | null
}

const TEXT_SEARCH_TIMEOUT_MS = 300
const IN_CHUNK = 500
const DEFAULT_LIMIT = 10

// ---------------------------------------------------------------------------------------------
// Scoring (pure)

type PairingRow = { kind: PairingKind; providerOrgId: string | null; providerRegionCode: string | null; recipientRegionCode: string }
type OnTimeRecord = { onTime: number; total: number }
const NO_RECORD: OnTimeRecord = { onTime: 0, total: 0 }

/** What is known about one (need, offer) pair; scoreSuggestion turns it into a score and reasons. */
export type SuggestionFacts = {
	pairing?: { kind: PairingKind; params: Record<string, string> }
	geography?: { level: keyof typeof GEOGRAPHY_TIERS; region: string }
	category: NeedCategory
	/** The offer's capacity left; null = unlimited. */
	remaining: number | null
	/** What the need still lacks (> 0). */
	gap: number
	urgency: Urgency
	neededBy: number
	now: number
	/** The name of the village's county when it is a national key county. */
	keyCounty?: string
	onTime: OnTimeRecord
	/** Normalised text relevance, 0..1, and the title words that matched. */
	text: number
	textWords: string[]
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000

const FACTORS = Object.keys(SUGGESTION_WEIGHTS) as SuggestionFactor[]

const daysLeft = (f: Pick<SuggestionFacts, 'neededBy' | 'now'>) => Math.max(0, Math.ceil((f.neededBy - f.now) / DAY_MS))

/** Each factor's value, 0..1 (SUGGESTION_WEIGHTS says what it is worth). */
function factorValues(f: SuggestionFacts): Record<SuggestionFactor, number> {
	return {
		pairing: f.pairing ? PAIRING_TIERS[f.pairing.kind] : 0,
		geography: f.geography ? GEOGRAPHY_TIERS[f.geography.level] : 0,
		capacity: f.remaining === null ? 1 : Math.max(0, Math.min(f.remaining / f.gap, 1)),
		onTime: (f.onTime.onTime + ON_TIME_PRIOR.rate * ON_TIME_PRIOR.strength) / (f.onTime.total + ON_TIME_PRIOR.strength),
		text: f.text,
		urgency: URGENCY_VALUES[f.urgency],
		neededBy: Math.max(0, 1 - daysLeft(f) / NEEDED_BY_HORIZON_DAYS),
		keyCounty: f.keyCounty === undefined ? 0 : 1,
	}
}

/** The weighted sum, unrounded, always added in the same order (the same inputs give the same bits). */
function weightedSum(v: Record<SuggestionFactor, number>): number {
	let score = 0
	for (const k of FACTORS) score += SUGGESTION_WEIGHTS[k] * v[k]
	return score
}

/** The score to show and rank by: the weighted sum (0..1) to four decimals. */
function scoreOf(f: SuggestionFacts): number {
	return round4(weightedSum(factorValues(f)))
}

/** The reasons in words (i18n code and values), in the fixed order of REASON_CODES. */
function reasonsFor(f: SuggestionFacts, v: Record<SuggestionFactor, number>): SuggestionReason[] {
	const reasons: SuggestionReason[] = []
	const add = (code: ReasonCode, params: SuggestionReason['params'] = {}) => reasons.push({ code, params })
	if (f.pairing) add(`suggestion.reason.${f.pairing.kind}`, f.pairing.params)
	if (f.geography) add(`suggestion.reason.same_${f.geography.level}`, { region: f.geography.region })
	add('suggestion.reason.category', { category: f.category })
	if (v.capacity >= 1) add('suggestion.reason.capacity_full')
	else if (v.capacity > 0) add('suggestion.reason.capacity_partial', { percent: Math.max(1, Math.floor(v.capacity * 100)) })
	if (f.urgency === 'high' || f.urgency === 'critical') add('suggestion.reason.urgent', { urgency: f.urgency })
	const days = daysLeft(f)
	if (days <= REASON_THRESHOLDS.neededSoonDays) add('suggestion.reason.needed_soon', { days })
	if (f.keyCounty !== undefined) add('suggestion.reason.key_county', { county: f.keyCounty })
	const { onTime, total } = f.onTime
	if (total > 0) add('suggestion.reason.on_time', { rate: Math.round((onTime / total) * 100), onTime, total })
	if (f.text >= REASON_THRESHOLDS.textMatch) add('suggestion.reason.text_match', { words: f.textWords.join('、') })
	return reasons
}

/** The score (weighted sum, 0..1, four decimals) and the reasons in their fixed order. */
export function scoreSuggestion(f: SuggestionFacts): { score: number; reasons: SuggestionReason[] } {
	const v = factorValues(f)
	return { score: round4(weightedSum(v)), reasons: reasonsFor(f, v) }
}

/** Higher score first; equal scores by id, so the same data always gives the same order. */
function byScoreThenId(a: { score: number; id: string }, b: { score: number; id: string }) {
	return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** A pairing with the prefixes of its regions, computed once for many providers and villages. */
type PreparedPairing = PairingRow & { recipientPrefix: string; providerPrefix: string | null }

function preparePairings(rows: PairingRow[]): PreparedPairing[] {
	return rows
		.filter((p) => isRegionCode(p.recipientRegionCode))
		.map((p) => ({
			kind: p.kind,
			providerOrgId: p.providerOrgId,
			providerRegionCode: p.providerRegionCode,
			recipientRegionCode: p.recipientRegionCode,
			recipientPrefix: regionPrefix(p.recipientRegionCode),
			providerPrefix: p.providerRegionCode && isRegionCode(p.providerRegionCode) ? regionPrefix(p.providerRegionCode) : null,
		}))
}

/**
 * The strongest pairing between a provider and a village among `pairings` (active ones): 结对 with
 * the village, 定点帮扶 of its county, then 东西部协作 whose western side contains the village and
 * whose eastern side contains the provider org's region (any provider kind: the eastern region's
 * enterprises and social orgs take part in its cooperation too, not only its government partner).
 */
function strongestPairing(villageCode: string, orgId: string, orgRegion: string | null, pairings: PreparedPairing[]): PreparedPairing | undefined {
	let best: PreparedPairing | undefined
	for (const p of pairings) {
		if (!villageCode.startsWith(p.recipientPrefix)) continue
		const related = p.kind === 'east_west' ? !!orgRegion && !!p.providerPrefix && orgRegion.startsWith(p.providerPrefix) : p.providerOrgId === orgId
		if (related && (!best || comparePairings(p, best) < 0)) best = p
	}
	return best
}

/** Stronger tier first; within a tier the most specific recipient (county before province), then by codes. */
function comparePairings(a: PreparedPairing, b: PreparedPairing): number {
	const key = (p: PairingRow) => `${p.recipientRegionCode}:${p.providerRegionCode ?? ''}:${p.providerOrgId ?? ''}`
	return (
		PAIRING_TIERS[b.kind] - PAIRING_TIERS[a.kind] ||
		b.recipientPrefix.length - a.recipientPrefix.length ||
		(key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)
	)
}

function pairingFact(p: PairingRow | undefined, names: Map<string, string>): SuggestionFacts['pairing'] {
	if (!p) return undefined
	const name = (code: string | null) => (code ? (names.get(code) ?? code) : '')
	if (p.kind === 'twinning') return { kind: p.kind, params: { village: name(p.recipientRegionCode) } }
	if (p.kind === 'targeted') return { kind: p.kind, params: { county: name(p.recipientRegionCode) } }
	return { kind: p.kind, params: { provider: name(p.providerRegionCode), recipient: name(p.recipientRegionCode) } }
}

const GEOGRAPHY_LEVELS = [
	[3, 'county'],
	[2, 'city'],
	[1, 'province'],
] as const

/** Same county > same city > same province, comparing the provider org's region with the village. */
function geographyFact(villageCode: string, orgRegion: string | null, names: Map<string, string>): SuggestionFacts['geography'] {
	const level = orgRegion ? levelOfCode(orgRegion) : undefined
	if (!orgRegion || !level) return undefined
	for (const [l, key] of GEOGRAPHY_LEVELS) {
		const code = codeAtLevel(villageCode, l)
		if (level >= l && codeAtLevel(orgRegion, l) === code) return { level: key, region: names.get(code) ?? code }
	}
	return undefined
}

// ---------------------------------------------------------------------------------------------
// Batched facts

function chunks<T>(items: T[], size = IN_CHUNK): T[][] {
	const out: T[][] = []
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
	return out
}

/** Names of regions by code: the row the code names (its highest level). */
async function regionNames(db: Kysely<DB>, codes: string[]): Promise<Map<string, string>> {
	const out = new Map<string, string>()
	for (const part of chunks([...new Set(codes)])) {
		const rows = await db.selectFrom('region').select(['code', 'name', 'level']).where('code', 'in', part).orderBy('level', 'desc').execute()
		// Descending level: the highest row (the name the code stands for) is written last.
		for (const r of rows) out.set(r.code, r.name)
	}
	return out
}

/**
 * Per provider: its verified commitments (verified, closed) and its overdue ones (accepted or in
 * delivery past the due day, as isOverdue says), and how many of the verified were verified by the
 * end of their due day. Due dates are whole China days, so "verified_at ≤ due date" means before
 * the next midnight. One grouped query per 500 providers.
 */
async function onTimeRecords(db: Kysely<DB>, orgIds: string[], now: number): Promise<Map<string, OnTimeRecord>> {
	const out = new Map<string, OnTimeRecord>()
	const overdueBefore = now - DAY_MS
	for (const part of chunks([...new Set(orgIds)])) {
		// NOTE: no OR in the where (SQLite would answer it with two index scans merged): the
		// statuses select the rows, the sums decide what counts.
		const rows = await db
			.selectFrom('commitment')
			.select((eb) => {
				const verified = eb('status', 'in', [...VERIFIED_STATUSES])
				return [
					'providerOrgId',
					eb.fn.sum<number>(eb.case().when(eb.or([verified, eb('dueAt', '<=', overdueBefore)])).then(1).else(0).end()).as('total'),
					eb.fn.sum<number>(eb.case().when(eb.and([verified, eb('verifiedAt', '<', eb('dueAt', '+', DAY_MS))])).then(1).else(0).end()).as('onTime'),
				]
			})
			.where('providerOrgId', 'in', part)
			.where('status', 'in', [...VERIFIED_STATUSES, ...OVERDUE_STATUSES])
			.groupBy('providerOrgId')
			.execute()
		for (const r of rows) if (Number(r.total) > 0) out.set(r.providerOrgId, { onTime: Number(r.onTime ?? 0), total: Number(r.total) })
	}
	return out
}

/**
 * Delivery records as onTimeRecords gives them, kept per database handle while no state change is
 * recorded (latestChange) and within one minute of `now` (the overdue cut moves with it): a
 * suggestion asks for about 700 providers' records, 6 ms a query of 500 on MariaDB at national
 * scale, and most of them are the same providers need after need.
 */
const recordCache = new WeakMap<Kysely<DB>, { key: string; records: Map<string, OnTimeRecord | null> }>()
const RECORD_CACHE_MS = 60_000

async function cachedOnTimeRecords(db: Kysely<DB>, orgIds: string[], now: number): Promise<Map<string, OnTimeRecord>> {
	const key = `${await latestChange(db)} ${Math.floor(now / RECORD_CACHE_MS)}`
	let cache = recordCache.get(db)
	if (!cache || cache.key !== key) {
		cache = { key, records: new Map() }
		recordCache.set(db, cache)
	}
	const kept = cache.records
	const missing = [...new Set(orgIds)].filter((id) => !kept.has(id))
	if (missing.length) {
		const fresh = await onTimeRecords(db, missing, now)
		for (const id of missing) kept.set(id, fresh.get(id) ?? null)
	}
	const out = new Map<string, OnTimeRecord>()
	for (const id of orgIds) {
		const record = kept.get(id)
		if (record) out.set(id, record)
	}
	return out
}

const HAN_CHAR = /^\p{Script=Han}$/u
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })
// Words that appear in most titles and say nothing about what is needed or offered.
const STOP_WORDS = new Set(['需要', '需求', '急需', '帮扶', '扶贫', '乡村', '振兴', '提供', '支持', '项目', '村民', '委员会', 'the', 'and', 'for'])
// 三河村村民委员会 → 三河村 → 三河: the forms a place name takes in a title.
const NAME_SUFFIXES = /(村民委员会|居民委员会|委员会)$/
const PLACE_SUFFIXES = /(村|社区|镇|乡|街道|县|区|市|州|盟|旗)$/

function nameForms(name: string): string[] {
	const short = name.replace(NAME_SUFFIXES, '')
	const bare = short.replace(PLACE_SUFFIXES, '')
	return [name, short, ...(bare.length >= 2 ? [bare] : [])]
}

/**
 * A title's words for the search queries: place names (`places`, in any of their forms) removed,
 * then Intl.Segmenter words of two or more characters; runs of single Han characters (the
 * segmenter splits 帮扶 and unknown names) are joined back into one word. Stop words are dropped.
 */
export function titleWords(title: string, places: string[] = []): string[] {
	let text = title
	const forms = [...new Set(places.flatMap(nameForms))].filter((f) => f.length >= 2).sort((a, b) => b.length - a.length)
	for (const form of forms) text = text.split(form).join(' ')
	const out: string[] = []
	const push = (w: string) => {
		if (w.length >= 2 && !/^\d+$/.test(w) && !STOP_WORDS.has(w) && !out.includes(w)) out.push(w)
	}
	for (const chunk of splitWords(text)) {
		let run = ''
		for (const s of segmenter.segment(chunk)) {
			if (!s.isWordLike) continue
			if (HAN_CHAR.test(s.segment)) {
				run += s.segment
				continue
			}
			if (run) push(run)
			run = ''
			push(s.segment)
		}
		if (run) push(run)
	}
	return out.slice(0, TEXT_QUERY_WORDS)
}

type TextHits = Map<string, RelevanceHit>
type TextScorer = (ids: string[]) => Promise<TextHits>

/**
 * Starts the text relevance of records of `type` to `words` through the search port and returns
 * its scorer for the candidates' ids (a search server's round trip overlaps the candidate queries;
 * the embedded engine scores only the candidates). Never throws: a failing engine, or one slower
 * than TEXT_SEARCH_TIMEOUT_MS once the ids are known, gives no hits, so the factor is 0 and
 * nothing else changes.
 */
function startTextRelevance(engine: SearchEngine | null, type: SearchType, words: string[], filters: SearchFilters): TextScorer {
	if (!engine || !words.length) return async () => new Map()
	let scorer: RelevanceScorer
	try {
		scorer = engine.relevance({ type, words, filters })
	} catch {
		return async () => new Map()
	}
	return async (ids) => {
		if (!ids.length) return new Map()
		let timer: ReturnType<typeof setTimeout> | undefined
		try {
			return await Promise.race([
				scorer(ids),
				new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error('search timed out')), TEXT_SEARCH_TIMEOUT_MS)
				}),
			])
		} catch {
			return new Map()
		} finally {
			clearTimeout(timer)
		}
	}
}

/** Text relevance normalised so the best of `among` is 1. */
function normalise(hits: TextHits, among: Set<string>): TextHits {
	let max = 0
	for (const [id, h] of hits) if (among.has(id) && h.score > max) max = h.score
	const out: TextHits = new Map()
	if (max > 0) for (const [id, h] of hits) if (among.has(id)) out.set(id, { score: h.score / max, words: h.words })
	return out
}

function engineOf(options: SuggestOptions): SearchEngine | null {
	if (options.engine !== undefined) return options.engine
	try {
		return getSearchEngine()
	} catch {
		return null
	}
}

// ---------------------------------------------------------------------------------------------
// Offers for a need

type NeedRow = { id: string; villageCode: string; category: NeedCategory; measure: DB['need']['measure']; unit: string | null }
/** `remaining`: capacity left (capacity minus accepted-or-later commitments, > 0); null = unlimited. */
type OfferCandidate = { id: string; providerOrgId: string; remaining: number | null; providerRegionCode: string | null }

/**
 * Capacity used (accepted-or-later commitments), looked up only for offers with a capacity. The
 * statuses are summed over, not filtered on: filtering would make SQLite seek
 * commitment_offer_idx once per status for every candidate, where one seek per offer suffices.
 */
function usedCapacity(eb: ExpressionBuilder<DB, 'offer'>) {
	const used = eb
		.selectFrom('commitment')
		.select((c) => c.fn.sum<number>(c.case().when('commitment.status', 'in', [...COUNTED_STATUSES]).then(c.ref('commitment.amount')).end()).as('used'))
		.whereRef('commitment.offerId', '=', 'offer.id')
	return eb.case().when('offer.capacity', 'is not', null).then(used).end().as('used')
}

/**
 * Live offers passing every gate for the need, with their provider's region. One query per
 * coverage kind, each answered from an index of 202611231300_suggestion_indexes without reading
 * offer rows: nationwide offers and the listed-regions filter through offer_match_idx, the
 * offers of the village's paired providers through offer_provider_match_idx (both match more
 * terms than any older index, so SQLite picks them even without ANALYZE statistics, which the app
 * never collects). Titles and names are loaded for the winners only. Offers whose capacity is used
 * up, and offers of providers that are not verified, are left out.
 */
async function offerCandidates(db: Kysely<DB>, need: NeedRow, chain: string[], pairedOrgIds: string[], now: number): Promise<OfferCandidate[]> {
	const today = chinaDayStart(now)
	const fromOffers = (coverage: OfferCoverage) =>
		db
			.selectFrom('offer')
			.select((eb) => ['offer.id', 'offer.providerOrgId', 'offer.capacity', usedCapacity(eb)])
			.where((eb) =>
				eb.and([
					eb('offer.status', '=', 'active'),
					eb('offer.measure', '=', need.measure),
					eb('offer.coverage', '=', coverage),
					// Amounts have no unit (null), so this is "the same unit" for both measures, and the
					// index column stays usable for the range on valid_until that follows it.
					need.unit === null ? eb('offer.unit', 'is', null) : eb('offer.unit', '=', need.unit),
					eb('offer.validUntil', '>=', today),
					eb('offer.validFrom', '<=', now),
					// The category on the index entry (202611240900_suggestion_speedups), not offer_category.
					eb(sql<number>`${eb.ref('offer.categoryMask')} & ${CATEGORY_BITS[need.category]}`, '<>', 0),
				]),
			)
	const parts = [
		await fromOffers('nationwide').execute(),
		await fromOffers('regions')
			.where('offer.id', 'in', db.selectFrom('offerRegion').select('offerRegion.offerId').where('offerRegion.regionCode', 'in', chain))
			.execute(),
		pairedOrgIds.length ? await fromOffers('pairings').where('offer.providerOrgId', 'in', pairedOrgIds).execute() : [],
	].flat()

	// Providers once each, not joined per offer. NOTE: the status is checked here, not in SQL:
	// without statistics SQLite would read every verified org through organization_status_idx.
	const providers = new Map<string, { status: string; regionCode: string | null }>()
	for (const part of chunks([...new Set(parts.map((r) => r.providerOrgId))])) {
		for (const p of await db.selectFrom('organization').select(['id', 'status', 'regionCode']).where('id', 'in', part).execute()) providers.set(p.id, p)
	}
	const out: OfferCandidate[] = []
	for (const r of parts) {
		const provider = providers.get(r.providerOrgId)
		if (provider?.status !== 'verified') continue
		const remaining = r.capacity === null ? null : Number(r.capacity) - Number(r.used ?? 0)
		if (remaining === null || remaining > 0) out.push({ id: r.id, providerOrgId: r.providerOrgId, remaining, providerRegionCode: provider.regionCode })
	}
	return out
}

/**
 * Offers that could serve a published need, best first (at most `limit`). Candidates pass every
 * gate in SUGGESTION_GATES; see docs/suggestions.md for the score. Throws not_found when the need
 * does not exist or is not published; returns [] when nothing of it is left to cover.
 */
export async function suggestOffersForNeed(db: Kysely<DB>, needId: string, options: SuggestOptions = {}): Promise<OfferSuggestion[]> {
	const now = options.now ?? Date.now()
	const limit = options.limit ?? DEFAULT_LIMIT
	if (limit < 1) return []
	const need = await db
		.selectFrom('need')
		.select(['id', 'villageCode', 'title', 'category', 'measure', 'unit', 'target', 'urgency', 'neededBy'])
		.where('id', '=', needId)
		.where('status', '=', 'published')
		.executeTakeFirst()
	if (!need) throw AppError.notFound()
	const village = need.villageCode
	const chain = [...ancestorCodes(village), village]

	const [committed, pairingRows] = await Promise.all([
		committedByNeed(db, [need.id]),
		db
			.selectFrom('pairing')
			.select(['kind', 'providerOrgId', 'providerRegionCode', 'recipientRegionCode'])
			.where('status', '=', 'active')
			.where('recipientRegionCode', 'in', chain)
			.execute(),
	])
	const pairings = preparePairings(pairingRows)
	const gap = Number(need.target) - (committed.get(need.id) ?? 0)
	if (gap <= 0) return []

	// Providers whose 'pairings' offers reach this village (as pairedRegionCodes defines them):
	// the orgs named by a pairing, and East–West partner orgs of an eastern region paired with it.
	const eastRegions = [...new Set(pairings.filter((p) => p.kind === 'east_west' && p.providerRegionCode).map((p) => p.providerRegionCode as string))]
	const [partners, names] = await Promise.all([
		eastRegions.length ? db.selectFrom('organization').select('id').where('kind', '=', 'east_west_partner').where('regionCode', 'in', eastRegions).execute() : [],
		regionNames(db, [...chain, ...eastRegions]),
	])
	const pairedOrgIds = [...new Set([...pairings.map((p) => p.providerOrgId).filter((id): id is string => !!id), ...partners.map((p) => p.id)])]

	// Started before the candidate queries: with a search server the two overlap.
	const engine = engineOf(options)
	const places = [village, codeAtLevel(village, 4), codeAtLevel(village, 3)].map((c) => names.get(c)).filter((n): n is string => !!n)
	const textScore = startTextRelevance(engine, 'offer', titleWords(need.title, places), { status: ['active'], categories: [need.category] })

	const candidates = await offerCandidates(db, need, chain, pairedOrgIds, now)
	if (!candidates.length) {
		await textScore([])
		return []
	}
	const [keys, hits] = await Promise.all([keyCountiesAmong(db, [village]), textScore(candidates.map((c) => c.id))])
	const text = normalise(hits, new Set(candidates.map((c) => c.id)))
	const county = codeAtLevel(village, 3)
	const keyCounty = isInKeyCounty(village, keys) ? (names.get(county) ?? county) : undefined

	// Pairing and geography depend on the provider only (the village is fixed): once per provider.
	const providerFacts = new Map<string, Pick<SuggestionFacts, 'pairing' | 'geography'>>()
	const factsOf = (c: OfferCandidate, onTime: OnTimeRecord): SuggestionFacts => {
		let pf = providerFacts.get(c.providerOrgId)
		if (!pf) {
			pf = {
				pairing: pairingFact(strongestPairing(village, c.providerOrgId, c.providerRegionCode, pairings), names),
				geography: geographyFact(village, c.providerRegionCode, names),
			}
			providerFacts.set(c.providerOrgId, pf)
		}
		const t = text.get(c.id)
		// NOTE: spelled out, not `...pf`: V8 builds a spread-then-extended literal on a slow path
		// (measured 7 µs per object, a third of the whole call at 2,000 candidates).
		return {
			pairing: pf.pairing,
			geography: pf.geography,
			category: need.category,
			remaining: c.remaining,
			gap,
			urgency: need.urgency,
			neededBy: Number(need.neededBy),
			now,
			keyCounty,
			onTime,
			text: t?.score ?? 0,
			textWords: t?.words ?? [],
		}
	}

	// The delivery record is the one per-provider fact that takes a query per 500 providers, and it
	// is worth at most SUGGESTION_WEIGHTS.onTime. Scored without it, a candidate whose best case
	// (record counted in full) still falls short of the limit-th worst case cannot be suggested:
	// only the providers of the others are looked up. Exact, not a heuristic; the margin covers the
	// rounding to four decimals.
	const bounds = candidates.map((c) => {
		const v = factorValues(factsOf(c, NO_RECORD))
		v.onTime = 0
		return { c, lower: weightedSum(v) }
	})
	const lowers = bounds.map((b) => b.lower).sort((a, b) => b - a)
	const bar = lowers[Math.min(limit, lowers.length) - 1] - SUGGESTION_WEIGHTS.onTime - 0.001
	const contenders = bounds.filter((b) => b.lower >= bar).map((b) => b.c)
	const onTime = await cachedOnTimeRecords(db, contenders.map((c) => c.providerOrgId), now)
	const ranked = contenders
		.map((c) => {
			const facts = factsOf(c, onTime.get(c.providerOrgId) ?? NO_RECORD)
			return { id: c.id, candidate: c, facts, score: scoreOf(facts) }
		})
		.sort(byScoreThenId)
		.slice(0, limit)
	if (!ranked.length) return []

	const details = new Map<string, { title: string; providerName: string; providerKind: OrgKind }>()
	for (const part of chunks(ranked.map((r) => r.id))) {
		const rows = await db
			.selectFrom('offer')
			.innerJoin('organization as provider', 'provider.id', 'offer.providerOrgId')
			.select(['offer.id', 'offer.title', 'provider.name as providerName', 'provider.kind as providerKind'])
			.where('offer.id', 'in', part)
			.execute()
		for (const r of rows) details.set(r.id, r)
	}
	return ranked.map(({ candidate: c, facts }) => {
		const d = details.get(c.id)
		const { score, reasons } = scoreSuggestion(facts)
		return { offerId: c.id, providerOrgId: c.providerOrgId, providerName: d?.providerName ?? '', providerKind: d?.providerKind ?? 'social_org', title: d?.title ?? '', score, reasons }
	})
}

// ---------------------------------------------------------------------------------------------
// Needs for an offer

/** A code range covering a region and everything below it (index-friendly on both dialects, unlike LIKE on SQLite). */
function rangeOf(code: string): [string, string] {
	const prefix = regionPrefix(code)
	return [prefix.padEnd(12, '0'), prefix.padEnd(12, '9')]
}

/**
 * Published needs an active offer could serve, best first (at most `limit`): the same gates and
 * factors as suggestOffersForNeed, seen from the offer. Throws not_found when the offer does not
 * exist or is not active; returns [] when it is outside its validity window, its provider is not
 * verified, it has no capacity left, or it covers nowhere.
 */
export async function suggestNeedsForOffer(db: Kysely<DB>, offerId: string, options: SuggestOptions = {}): Promise<NeedSuggestion[]> {
	const now = options.now ?? Date.now()
	const limit = options.limit ?? DEFAULT_LIMIT
	if (limit < 1) return []
	const offer = await db
		.selectFrom('offer')
		.innerJoin('organization as provider', 'provider.id', 'offer.providerOrgId')
		.select([
			'offer.id',
			'offer.providerOrgId',
			'offer.title',
			'offer.measure',
			'offer.unit',
			'offer.capacity',
			'offer.coverage',
			'offer.validFrom',
			'offer.validUntil',
			'provider.regionCode as providerRegionCode',
			'provider.status as providerStatus',
		])
		.where('offer.id', '=', offerId)
		.where('offer.status', '=', 'active')
		.executeTakeFirst()
	if (!offer) throw AppError.notFound()
	if (Number(offer.validFrom) > now || Number(offer.validUntil) < chinaDayStart(now) || offer.providerStatus !== 'verified') return []

	const [categoryRows, used, covered] = await Promise.all([
		db.selectFrom('offerCategory').select('category').where('offerId', '=', offer.id).execute(),
		committedByOffer(db, [offer.id]),
		offer.coverage === 'nationwide'
			? Promise.resolve(null)
			: offer.coverage === 'regions'
				? db
						.selectFrom('offerRegion')
						.select('regionCode')
						.where('offerId', '=', offer.id)
						.execute()
						.then((rows) => rows.map((r) => r.regionCode))
				: pairedRegionCodes(db, offer.providerOrgId),
	])
	const remaining = offer.capacity === null ? null : Number(offer.capacity) - (used.get(offer.id) ?? 0)
	const categories = categoryRows.map((r) => r.category)
	if ((remaining !== null && remaining <= 0) || !categories.length || (covered !== null && !covered.length)) return []

	const rows = await db
		.selectFrom('need')
		.select(['id', 'villageCode', 'title', 'category', 'target', 'urgency', 'neededBy'])
		.where('status', '=', 'published')
		.where('measure', '=', offer.measure)
		.$if(offer.measure === 'quantity', (q) => q.where('unit', '=', offer.unit))
		.where('category', 'in', categories)
		.$if(covered !== null, (q) =>
			q.where((eb) =>
				eb.or(
					(covered ?? []).map((code) => {
						const [lo, hi] = rangeOf(code)
						return eb.and([eb('villageCode', '>=', lo), eb('villageCode', '<=', hi)])
					}),
				),
			),
		)
		.execute()
	if (!rows.length) return []

	const committed = await committedByNeed(db, rows.map((r) => r.id))
	const needs = rows
		.map((r) => ({ id: r.id, villageCode: r.villageCode, title: r.title, category: r.category, urgency: r.urgency, neededBy: r.neededBy, gap: Number(r.target) - (committed.get(r.id) ?? 0) }))
		.filter((r) => r.gap > 0)
	if (!needs.length) return []

	const engine = engineOf(options)
	const textScore = startTextRelevance(engine, 'need', titleWords(offer.title), { status: ['published'], categories })

	// The provider's pairings: those naming the org, and East–West pairs whose eastern side
	// contains its region (strongestPairing decides which reach each village).
	const orgRegion = offer.providerRegionCode
	const eastSides = orgRegion ? [...ancestorCodes(orgRegion), orgRegion] : []
	const pairingRows = await db
		.selectFrom('pairing')
		.select(['kind', 'providerOrgId', 'providerRegionCode', 'recipientRegionCode'])
		.where('status', '=', 'active')
		.where((eb) => {
			const ors = [eb('providerOrgId', '=', offer.providerOrgId)]
			if (eastSides.length) ors.push(eb.and([eb('kind', '=', 'east_west'), eb('providerRegionCode', 'in', eastSides)]))
			return eb.or(ors)
		})
		.execute()
	const pairings = preparePairings(pairingRows)

	const villages = [...new Set(needs.map((n) => n.villageCode))]
	const nameCodes = new Set<string>()
	for (const v of villages) for (const c of [...ancestorCodes(v), v]) nameCodes.add(c)
	for (const p of pairings) if (p.providerRegionCode) nameCodes.add(p.providerRegionCode)

	const [onTime, keys, names, hits] = await Promise.all([
		onTimeRecords(db, [offer.providerOrgId], now),
		keyCountiesAmong(db, villages),
		regionNames(db, [...nameCodes]),
		textScore(needs.map((n) => n.id)),
	])
	const text = normalise(hits, new Set(needs.map((n) => n.id)))
	const record = onTime.get(offer.providerOrgId) ?? { onTime: 0, total: 0 }

	const factsOf = (n: (typeof needs)[number]): SuggestionFacts => {
		const county = codeAtLevel(n.villageCode, 3)
		const t = text.get(n.id)
		return {
			pairing: pairingFact(strongestPairing(n.villageCode, offer.providerOrgId, orgRegion, pairings), names),
			geography: geographyFact(n.villageCode, orgRegion, names),
			category: n.category,
			remaining,
			gap: n.gap,
			urgency: n.urgency,
			neededBy: Number(n.neededBy),
			now,
			keyCounty: isInKeyCounty(n.villageCode, keys) ? (names.get(county) ?? county) : undefined,
			onTime: record,
			text: t?.score ?? 0,
			textWords: t?.words ?? [],
		}
	}
	return needs
		.map((n) => {
			const facts = factsOf(n)
			return { id: n.id, need: n, facts, score: scoreOf(facts) }
		})
		.sort(byScoreThenId)
		.slice(0, limit)
		.map(({ need: n, facts }) => {
			const { score, reasons } = scoreSuggestion(facts)
			return { needId: n.id, villageCode: n.villageCode, villageName: names.get(n.villageCode) ?? n.villageCode, title: n.title, score, reasons }
		})
}
