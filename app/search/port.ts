// The search port (ADR 005): what the app asks of a search engine. Two adapters implement it,
// meilisearch.server.ts (MEILI_HOST set) and embedded.server.ts (our own index, in process; ADR 008), and
// contract.ts holds the one test suite both must pass. The engine returns ids, never records:
// callers load rows from the database, so what is shown is never staler than the database.
import type { SearchEntityType } from '#db/schema.ts'
import { ancestorCodes } from '#app/models/region-code.ts'

export type SearchType = SearchEntityType

export const SEARCH_TYPES: readonly SearchType[] = ['need', 'offer', 'project']

/** One need, offer or project as the engine sees it; built by documents.server.ts. */
export type SearchDocument = {
	/** The entity id. Unique within a type, not across types. */
	id: string
	type: SearchType
	title: string
	body: string
	categories: string[]
	/** Needs and projects: the village code(s). Offers: the covered regions; empty = nationwide. */
	regionCodes: string[]
	/**
	 * Every region code at every level that contains (or is) one of `regionCodes`, so a filter on a
	 * province, city, county, township or village is one exact match on this list.
	 */
	regionPrefixes: string[]
	status: string
	urgency?: string
	orgId: string
	orgKind: string
	/** A region of the record lies in a national key county (国家乡村振兴重点帮扶县). */
	isKeyCounty: boolean
	/** Epoch ms the record became public (published_at when set, else created_at): "newest" order. */
	createdAt: number
	neededBy?: number
	/** Remaining gap (needs) or capacity (offers); null or absent = unlimited. */
	remaining?: number | null
}

export type SearchSort = 'relevance' | 'newest' | 'needed_by' | 'urgency' | 'remaining'

export type SearchFilters = {
	/** Any of these categories. */
	categories?: string[]
	/** A region code at any level: records with a region inside it (or equal to it). */
	regionPrefix?: string
	status?: string[]
	urgency?: string[]
	orgKind?: string[]
	keyCounty?: boolean
	/**
	 * Records with a region inside any of these regions (codes at any level), e.g. the counties of
	 * the asker's pairings ("in my pairings"). Matched against `regionPrefixes`, so a county code
	 * selects the needs of its villages.
	 */
	regionCodesAny?: string[]
}

export type SearchQuery = {
	/** Free text; blank = browse every record of the type that passes the filters. */
	q?: string
	type: SearchType
	filters?: SearchFilters
	/**
	 * relevance: best match first (without q: newest). newest: `createdAt` descending. needed_by:
	 * soonest first, records without a date last. urgency: critical → low. remaining: largest gap or
	 * capacity first, unlimited before any number. Ties fall back to newest.
	 */
	sort?: SearchSort
	/** 1-based. */
	page?: number
	pageSize?: number
}

export type FacetCounts = Record<string, number>

export type SearchResult = {
	hits: Array<{ id: string; score: number }>
	/** Matches across all pages. */
	total: number
	/** Counted over the whole filtered result set, not just this page. */
	facets: { categories: FacetCounts; status: FacetCounts; urgency: FacetCounts; orgKind: FacetCounts }
}

/** One record's text relevance: its score, and the query words it matched (in query order). */
export type RelevanceHit = { score: number; words: string[] }

/**
 * For ranking records the caller already has (suggestions): how well each of given records matches
 * each of `words`. A record matches a word when its title or body contains the word or one of its
 * synonyms (SYNONYM_GROUPS); a title match weighs more than a body match, a word few of the records
 * contain more than a common one, and a record's score is the sum over the words it matches.
 * `filters` describe the records that will be asked about: an engine may use them to narrow its
 * own search, never to add records.
 */
export type RelevanceQuery = { type: SearchType; words: string[]; filters?: SearchFilters }

/**
 * Scores the records `ids` (records not indexed, or not among `ids`, are never in the result;
 * records that match no word are absent). Scores compare within one call only. An engine may leave
 * out a record that is not among its best RELEVANCE_DEPTH matches of a word.
 */
export type RelevanceScorer = (ids: Iterable<string>) => Promise<Map<string, RelevanceHit>>

/** How many matches per word a search server is asked for by `relevance`. */
export const RELEVANCE_DEPTH = 1000

/** Title matches weigh this many body matches, in `search` and in `relevance` alike. */
export const TITLE_BOOST = 3

export type SearchHealth = { ok: boolean; engine: 'embedded' | 'meilisearch'; detail?: string }

export interface SearchEngine {
	/** Adds or replaces documents (by type and id). Idempotent. */
	upsert(docs: SearchDocument[]): Promise<void>
	/** Removes documents; ids that are not indexed are ignored. */
	remove(ids: Array<{ type: SearchType; id: string }>): Promise<void>
	search(query: SearchQuery): Promise<SearchResult>
	/**
	 * Starts a relevance query and returns its scorer: an engine with a server sends its searches at
	 * once, so their round trip overlaps whatever the caller does before it has the ids; the
	 * embedded engine scores only the ids it is given (never the whole index).
	 */
	relevance(query: RelevanceQuery): RelevanceScorer
	/** Removes every document of one type, or of all types. */
	clear(type?: SearchType): Promise<void>
	health(): Promise<SearchHealth>
}

export const DEFAULT_PAGE_SIZE = 20
export const MAX_PAGE_SIZE = 100

/** Urgency as a number for sorting: higher is more urgent; none sorts below `low`. */
export const URGENCY_RANK: Record<string, number> = { low: 1, normal: 2, high: 3, critical: 4 }

/**
 * Terms each engine treats as the same word (a query for one also finds the others). Meilisearch
 * gets them as index synonyms; the embedded engine expands query words with them.
 */
export const SYNONYM_GROUPS: readonly (readonly string[])[] = [
	['帮扶', '扶贫'],
	['培训', 'training'],
	['就业', 'employment'],
	['消费帮扶', 'consumption'],
]

/** Clamps page and pageSize to sane values: page ≥ 1, 1 ≤ pageSize ≤ MAX_PAGE_SIZE. */
export function pageOf(query: Pick<SearchQuery, 'page' | 'pageSize'>): { page: number; pageSize: number } {
	const page = Number.isFinite(query.page) ? Math.max(1, Math.floor(query.page as number)) : 1
	const size = Number.isFinite(query.pageSize) ? Math.floor(query.pageSize as number) : DEFAULT_PAGE_SIZE
	return { page, pageSize: Math.min(MAX_PAGE_SIZE, Math.max(1, size)) }
}

/** The sort actually applied: relevance means nothing without a query, so browsing is newest first. */
export function effectiveSort(query: Pick<SearchQuery, 'q' | 'sort'>): SearchSort {
	const sort = query.sort ?? 'relevance'
	return sort === 'relevance' && !query.q?.trim() ? 'newest' : sort
}

/** `regionPrefixes` for `regionCodes`: every code containing one of them, at every level, themselves included. */
export function regionPrefixesOf(codes: string[]): string[] {
	const out = new Set<string>()
	for (const code of codes) {
		for (const a of ancestorCodes(code)) out.add(a)
		out.add(code)
	}
	return [...out]
}
