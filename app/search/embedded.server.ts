// The embedded search adapter (ADR 005, ADR 008): one in-memory index per type, for installs without
// a search server. Text matching uses the Chinese-aware tokenizer over a compact posting-list index
// (text-index.ts); filters, facets, sorting and pagination run over columns of the records'
// attributes (one array per attribute, values interned to small integers), so browsing 100,000
// records without words is a pass over a few arrays. Results are cached per query until the type's
// index next changes. An index lives in this process only: it is filled lazily (from the database,
// through `load`) and kept fresh by the outbox drain running in the same process.
import {
	type FacetCounts,
	type RelevanceHit,
	type RelevanceQuery,
	type RelevanceScorer,
	type SearchDocument,
	type SearchEngine,
	type SearchFilters,
	type SearchQuery,
	type SearchResult,
	type SearchSort,
	type SearchType,
	SEARCH_TYPES,
	SYNONYM_GROUPS,
	TITLE_BOOST,
	URGENCY_RANK,
	effectiveSort,
	pageOf,
} from './port.ts'
import { type Matches, TextIndex, type TextQuery, type TokenQuery } from './text-index.ts'
import { hasHan, splitWords, tokenize, tokenizeQuery } from './tokenize.ts'

export type EmbeddedSearchOptions = {
	/**
	 * Supplies a type's documents the first time its index is used (after a restart the in-memory
	 * index is empty). Without it an index starts empty. An explicit `clear` counts as loaded.
	 */
	load?: (type: SearchType) => AsyncIterable<SearchDocument[]> | Promise<SearchDocument[]>
	/** Results kept per type until its index changes (0: no cache). */
	cacheSize?: number
}

const DEFAULT_CACHE_SIZE = 2_000

/** Query word (normalized) → the words of its synonym group, itself first. */
const SYNONYMS = new Map<string, string[]>()
for (const group of SYNONYM_GROUPS) {
	const words = group.map((w) => splitWords(w).join(''))
	for (const w of words) SYNONYMS.set(w, [w, ...words.filter((x) => x !== w)])
}

const LETTERS_ONLY = /^\p{L}+$/u

/**
 * Typos are allowed as Meilisearch allows them (one from 5 letters, two from 9) and only in
 * alphabetic words: a one-character slip in a CJK bigram is a different word, and in a number a
 * different number.
 */
function fuzzyFor(term: string): number {
	if (hasHan(term) || !LETTERS_ONLY.test(term)) return 0
	if (term.length >= 9) return 2
	if (term.length >= 5) return 1
	return 0
}

/**
 * Every query word must match (AND); a word matches through any of its synonyms (OR); within one
 * word or synonym all its tokens must match (AND), which for CJK means every bigram, so 蔬菜大棚
 * does not match a text that only mentions 蔬菜. Only the last token of the last word matches by
 * prefix (as typed so far), and never CJK. Returns undefined when the query has no tokens.
 */
function buildQuery(q: string): TextQuery | undefined {
	const words = splitWords(q).filter((w) => tokenizeQuery(w).length > 0)
	if (!words.length) return undefined
	return words.map((word, i) =>
		(SYNONYMS.get(word) ?? [word]).map((alternative) => {
			const tokens = tokenizeQuery(alternative).map((t) => t.toLowerCase())
			return tokens.map((token, k) => ({
				token,
				prefix: i === words.length - 1 && k === tokens.length - 1 && token.length >= 2 && !hasHan(token),
				fuzzy: fuzzyFor(token),
			}))
		}),
	)
}

/** Strings interned to small integers, per attribute. */
class Dictionary {
	readonly values: string[] = []
	readonly #codes = new Map<string, number>()
	code(value: string): number {
		let c = this.#codes.get(value)
		if (c === undefined) {
			c = this.values.length
			this.values.push(value)
			this.#codes.set(value, c)
		}
		return c
	}
	/** The code of a value seen before, or -1. */
	find(value: string): number {
		return this.#codes.get(value) ?? -1
	}
}

const NONE = -1
/** Categories are a bit mask per record: the vocabularies have 11 (needs, offers) and 2 (projects). */
const MAX_CATEGORIES = 31

/**
 * A type's index: the text index and each record's attributes as columns by ordinal. `relevance`
 * asks the text index about the given records only (a binary search per record and token).
 */
class TypeIndex {
	readonly text = new TextIndex()
	readonly ordOf = new Map<string, number>()
	readonly ids: string[] = []
	readonly alive: number[] = []
	readonly dict = { category: new Dictionary(), status: new Dictionary(), urgency: new Dictionary(), orgKind: new Dictionary(), region: new Dictionary() }
	readonly categories: number[] = []
	readonly status: number[] = []
	readonly urgency: number[] = []
	readonly orgKind: number[] = []
	readonly keyCounty: number[] = []
	readonly createdAt: number[] = []
	/** NaN: no date. */
	readonly neededBy: number[] = []
	/** Infinity: unlimited (null or absent). */
	readonly remaining: number[] = []
	/** The codes of `regionPrefixes`, interned. */
	readonly regions: number[][] = []
	/**
	 * Ordinals by region code, category and status, ascending (dead ones are skipped when read and
	 * dropped when a list has twice as many entries as live ones): a filtered browse scans the
	 * shortest list that its filters name instead of every record.
	 */
	readonly byRegion: number[][] = []
	readonly byCategory: number[][] = []
	readonly byStatus: number[][] = []
	readonly cache = new Map<string, SearchResult>()

	put(doc: SearchDocument) {
		this.drop(doc.id)
		const ord = this.ids.length
		this.ordOf.set(doc.id, ord)
		this.ids.push(doc.id)
		this.alive.push(1)
		let mask = 0
		for (const c of doc.categories) {
			const code = this.dict.category.code(c)
			if (code >= MAX_CATEGORIES) throw new Error(`more than ${MAX_CATEGORIES} categories in one search type`)
			mask |= 1 << code
		}
		this.categories.push(mask)
		for (let m = mask, code = 0; m; m >>>= 1, code++) if (m & 1) listFor(this.byCategory, code).push(ord)
		const status = this.dict.status.code(doc.status)
		this.status.push(status)
		listFor(this.byStatus, status).push(ord)
		this.urgency.push(doc.urgency ? this.dict.urgency.code(doc.urgency) : NONE)
		this.orgKind.push(this.dict.orgKind.code(doc.orgKind))
		this.keyCounty.push(doc.isKeyCounty ? 1 : 0)
		this.createdAt.push(doc.createdAt)
		this.neededBy.push(doc.neededBy ?? Number.NaN)
		this.remaining.push(doc.remaining ?? Number.POSITIVE_INFINITY)
		const regions = [...new Set(doc.regionPrefixes.map((c) => this.dict.region.code(c)))]
		this.regions.push(regions)
		for (const r of regions) listFor(this.byRegion, r).push(ord)
		this.text.add(ord, tokenize(doc.title), tokenize(doc.body))
		this.changed()
	}

	drop(id: string) {
		const ord = this.ordOf.get(id)
		if (ord === undefined) return
		this.ordOf.delete(id)
		this.alive[ord] = 0
		// The region list is the bulk of a dead record's attributes: let it go.
		this.regions[ord] = []
		this.text.remove(ord)
		this.changed()
	}

	/** Cached results are stale after any change. */
	changed() {
		this.cache.clear()
	}
}

function listFor(lists: number[][], code: number): number[] {
	let list = lists[code]
	if (!list) {
		list = []
		lists[code] = list
	}
	return list
}

/** A list of `lists` without its dead ordinals, compacted in place once half of it is dead. */
function liveList(index: TypeIndex, lists: number[][], code: number): number[] {
	const list = lists[code] ?? []
	let live = 0
	for (const ord of list) live += index.alive[ord]
	if (live * 2 < list.length) {
		const kept = list.filter((ord) => index.alive[ord] === 1)
		lists[code] = kept
		return kept
	}
	return list
}

/** A filter compiled to codes of the index's dictionaries; `never` when nothing can match. */
type Compiled = {
	never: boolean
	categoryMask: number
	status: Set<number> | null
	urgency: Set<number> | null
	orgKind: Set<number> | null
	region: number
	regionsAny: Set<number> | null
	keyCounty: number
}

function codes(dict: Dictionary, values: string[] | undefined): Set<number> | null {
	if (!values?.length) return null
	return new Set(values.map((v) => dict.find(v)).filter((c) => c >= 0))
}

function compile(index: TypeIndex, f: SearchFilters | undefined): Compiled {
	const c: Compiled = { never: false, categoryMask: 0, status: null, urgency: null, orgKind: null, region: NONE, regionsAny: null, keyCounty: NONE }
	if (!f) return c
	if (f.categories?.length) {
		for (const v of f.categories) {
			const code = index.dict.category.find(v)
			if (code >= 0) c.categoryMask |= 1 << code
		}
		if (!c.categoryMask) c.never = true
	}
	c.status = codes(index.dict.status, f.status)
	c.urgency = codes(index.dict.urgency, f.urgency)
	c.orgKind = codes(index.dict.orgKind, f.orgKind)
	if (f.regionPrefix) {
		c.region = index.dict.region.find(f.regionPrefix)
		if (c.region < 0) c.never = true
	}
	c.regionsAny = codes(index.dict.region, f.regionCodesAny)
	if (f.keyCounty !== undefined) c.keyCounty = f.keyCounty ? 1 : 0
	for (const set of [c.status, c.urgency, c.orgKind, c.regionsAny]) if (set && !set.size) c.never = true
	return c
}

function passes(index: TypeIndex, c: Compiled, ord: number): boolean {
	if (c.categoryMask && !(index.categories[ord] & c.categoryMask)) return false
	if (c.status && !c.status.has(index.status[ord])) return false
	if (c.urgency && !c.urgency.has(index.urgency[ord])) return false
	if (c.orgKind && !c.orgKind.has(index.orgKind[ord])) return false
	if (c.keyCounty !== NONE && index.keyCounty[ord] !== c.keyCounty) return false
	if (c.region !== NONE && !index.regions[ord].includes(c.region)) return false
	if (c.regionsAny && !index.regions[ord].some((r) => c.regionsAny!.has(r))) return false
	return true
}

/**
 * The shortest list of ordinals that holds every record the filter can pass (its region, its one
 * category or its one status), or null when the filter names none of them.
 */
function shortestSource(index: TypeIndex, c: Compiled): number[] | null {
	const lists: number[][] = []
	if (c.region !== NONE) lists.push(liveList(index, index.byRegion, c.region))
	const categoryCodes = [...Array(MAX_CATEGORIES).keys()].filter((code) => c.categoryMask & (1 << code))
	if (categoryCodes.length === 1) lists.push(liveList(index, index.byCategory, categoryCodes[0]))
	if (c.status?.size === 1) lists.push(liveList(index, index.byStatus, [...c.status][0]))
	if (!lists.length) return null
	return lists.reduce((a, b) => (b.length < a.length ? b : a))
}

type Comparator = (a: number, b: number) => number

/**
 * An order of ordinals: `key` ascending first (a number per ordinal, for the fast path of firstK),
 * then newest, best match, and id (time-ordered) so that pages never overlap.
 */
type Order = { key: (ord: number) => number; compare: Comparator }

function orderOf(index: TypeIndex, sort: SearchSort, score: Map<number, number> | null): Order {
	const { createdAt, neededBy, remaining, urgency, ids } = index
	const rank = index.dict.urgency.values.map((u) => URGENCY_RANK[u] ?? 0)
	const scoreOf = (ord: number) => score?.get(ord) ?? 0
	const keys: Record<SearchSort, (ord: number) => number> = {
		relevance: (ord) => -scoreOf(ord),
		newest: (ord) => -createdAt[ord],
		// Records without a date last.
		needed_by: (ord) => (Number.isNaN(neededBy[ord]) ? Number.POSITIVE_INFINITY : neededBy[ord]),
		urgency: (ord) => -(urgency[ord] === NONE ? 0 : rank[urgency[ord]]),
		// Unlimited (Infinity) before any number.
		remaining: (ord) => -remaining[ord],
	}
	const key = keys[sort]
	const compare: Comparator = (a, b) => {
		const ka = key(a)
		const kb = key(b)
		// Equal keys (Infinity and Infinity included) are a tie, settled below.
		if (ka !== kb) return ka < kb ? -1 : 1
		return createdAt[b] - createdAt[a] || scoreOf(b) - scoreOf(a) || (ids[a] < ids[b] ? 1 : ids[a] > ids[b] ? -1 : 0)
	}
	return { key, compare }
}

/** The first `k` of `ords` in `order`, without sorting all of them. */
function firstK(ords: number[], k: number, order: Order): number[] {
	if (k <= 0) return []
	const { key, compare } = order
	if (ords.length <= k * 4) return [...ords].sort(compare).slice(0, k)
	const best: number[] = []
	let worstKey = Number.POSITIVE_INFINITY
	for (const ord of ords) {
		if (best.length === k) {
			// Most records lose on the key alone: no comparator call for them.
			const kk = key(ord)
			if (kk > worstKey || compare(ord, best[k - 1]) >= 0) continue
		}
		let lo = 0
		let hi = best.length
		while (lo < hi) {
			const mid = (lo + hi) >> 1
			if (compare(best[mid], ord) <= 0) lo = mid + 1
			else hi = mid
		}
		best.splice(lo, 0, ord)
		if (best.length > k) best.pop()
		if (best.length === k) worstKey = key(best[k - 1])
	}
	return best
}

function facetObject(counts: number[], dict: Dictionary): FacetCounts {
	const out: FacetCounts = {}
	counts.forEach((n, code) => {
		if (n) out[dict.values[code]] = n
	})
	return out
}

function cacheKey(query: SearchQuery): string {
	const f = query.filters ?? {}
	const list = (v: string[] | undefined) => (v?.length ? [...v].sort() : undefined)
	return JSON.stringify([
		query.q?.trim() ?? '',
		query.sort ?? 'relevance',
		query.page ?? 1,
		query.pageSize ?? null,
		list(f.categories),
		f.regionPrefix ?? null,
		list(f.regionCodesAny),
		list(f.status),
		list(f.urgency),
		list(f.orgKind),
		f.keyCounty ?? null,
	])
}

export class EmbeddedSearchEngine implements SearchEngine {
	readonly #indexes = new Map<SearchType, Promise<TypeIndex>>()
	readonly #load: EmbeddedSearchOptions['load']
	readonly #cacheSize: number

	constructor(options: EmbeddedSearchOptions = {}) {
		this.#load = options.load
		this.#cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE
	}

	/** The type's index, built on first use; a failed load is retried on the next call. */
	#index(type: SearchType): Promise<TypeIndex> {
		let index = this.#indexes.get(type)
		if (!index) {
			index = this.#build(type)
			this.#indexes.set(type, index)
			index.catch(() => {
				if (this.#indexes.get(type) === index) this.#indexes.delete(type)
			})
		}
		return index
	}

	async #build(type: SearchType) {
		const index = new TypeIndex()
		if (!this.#load) return index
		const loaded = this.#load(type)
		const batches = Symbol.asyncIterator in loaded ? loaded : [await loaded]
		for await (const batch of batches) {
			for (const doc of batch) if (doc.type === type) index.put(doc)
		}
		index.text.seal()
		return index
	}

	async upsert(docs: SearchDocument[]): Promise<void> {
		for (const type of SEARCH_TYPES) {
			const ofType = docs.filter((d) => d.type === type)
			if (!ofType.length) continue
			const index = await this.#index(type)
			for (const doc of ofType) index.put(doc)
		}
	}

	async remove(ids: Array<{ type: SearchType; id: string }>): Promise<void> {
		for (const type of SEARCH_TYPES) {
			const ofType = ids.filter((r) => r.type === type)
			if (!ofType.length) continue
			const index = await this.#index(type)
			for (const { id } of ofType) index.drop(id)
		}
	}

	async search(query: SearchQuery): Promise<SearchResult> {
		const index = await this.#index(query.type)
		const key = this.#cacheSize > 0 ? cacheKey(query) : ''
		const cached = key ? index.cache.get(key) : undefined
		if (cached) return structuredClone(cached)
		const result = this.#run(index, query)
		if (key) {
			if (index.cache.size >= this.#cacheSize) index.cache.delete(index.cache.keys().next().value as string)
			index.cache.set(key, structuredClone(result))
		}
		return result
	}

	#run(index: TypeIndex, query: SearchQuery): SearchResult {
		const text = query.q?.trim() ? buildQuery(query.q) : undefined
		const filter = compile(index, query.filters)
		const matched: number[] = []
		let scores: Map<number, number> | null = null
		if (!filter.never) {
			if (text) {
				const found: Matches = index.text.search(text, TITLE_BOOST)
				scores = new Map()
				for (let i = 0; i < found.ords.length; i++) {
					const ord = found.ords[i]
					if (index.alive[ord] === 1 && passes(index, filter, ord)) {
						matched.push(ord)
						scores.set(ord, found.scores[i])
					}
				}
			} else {
				const source = shortestSource(index, filter)
				if (source) {
					for (const ord of source) if (index.alive[ord] === 1 && passes(index, filter, ord)) matched.push(ord)
				} else {
					for (let ord = 0; ord < index.ids.length; ord++) if (index.alive[ord] === 1 && passes(index, filter, ord)) matched.push(ord)
				}
			}
		}

		const categories = new Array<number>(index.dict.category.values.length).fill(0)
		const status = new Array<number>(index.dict.status.values.length).fill(0)
		const urgency = new Array<number>(index.dict.urgency.values.length).fill(0)
		const orgKind = new Array<number>(index.dict.orgKind.values.length).fill(0)
		for (const ord of matched) {
			for (let mask = index.categories[ord], code = 0; mask; mask >>>= 1, code++) if (mask & 1) categories[code]++
			status[index.status[ord]]++
			if (index.urgency[ord] !== NONE) urgency[index.urgency[ord]]++
			orgKind[index.orgKind[ord]]++
		}
		const facets = {
			categories: facetObject(categories, index.dict.category),
			status: facetObject(status, index.dict.status),
			urgency: facetObject(urgency, index.dict.urgency),
			orgKind: facetObject(orgKind, index.dict.orgKind),
		}

		const { page, pageSize } = pageOf(query)
		const sort = effectiveSort({ q: text ? query.q : undefined, sort: query.sort })
		const top = firstK(matched, page * pageSize, orderOf(index, sort, scores))
		const hits = top.slice((page - 1) * pageSize).map((ord) => ({ id: index.ids[ord], score: scores?.get(ord) ?? 1 }))
		return { hits, total: matched.length, facets }
	}

	relevance(query: RelevanceQuery): RelevanceScorer {
		const words = query.words.map((word) => ({ word, forms: relevanceForms(word) })).filter((w) => w.forms.length)
		return async (ids) => {
			const out = new Map<string, RelevanceHit>()
			if (!words.length) return out
			const index = await this.#index(query.type)
			const records = new Map<number, string>()
			for (const id of new Set(ids)) {
				const ord = index.ordOf.get(id)
				if (ord !== undefined) records.set(ord, id)
			}
			const n = records.size
			for (const { word, forms } of words) {
				// Fields (title 2, body 1) where any form of the word occurs, per record asked about.
				const fields = new Map<number, number>()
				for (const form of forms) for (const [ord, bits] of index.text.fieldsWith(form, records.keys())) fields.set(ord, (fields.get(ord) ?? 0) | bits)
				const weights: Array<[string, number]> = []
				for (const [ord, bits] of fields) weights.push([records.get(ord) as string, (bits & 2 ? TITLE_BOOST : 0) + (bits & 1 ? 1 : 0)])
				// BM25's inverse document frequency over the records asked about: a word most of them
				// contain tells them apart less than a rare one.
				const idf = Math.log(1 + (n - weights.length + 0.5) / (weights.length + 0.5))
				for (const [id, weight] of weights) {
					const hit = out.get(id)
					if (hit) {
						hit.score += weight * idf
						hit.words.push(word)
					} else out.set(id, { score: weight * idf, words: [word] })
				}
			}
			return out
		}
	}

	async clear(type?: SearchType): Promise<void> {
		for (const t of type ? [type] : SEARCH_TYPES) this.#indexes.set(t, Promise.resolve(new TypeIndex()))
	}

	async health() {
		const counts: string[] = []
		for (const type of SEARCH_TYPES) {
			const index = this.#indexes.get(type)
			counts.push(`${type} ${index ? ((await index.catch(() => undefined))?.ordOf.size ?? 'failed') : 'not loaded'}`)
		}
		return { ok: true, engine: 'embedded' as const, detail: counts.join(', ') }
	}
}

/**
 * A word's forms for `relevance`, as token queries: the word, then its synonyms. A form matches a
 * field holding all its tokens; Chinese by its bigrams (so anywhere in the text), letters and
 * digits as whole words except the last, which may be the start of one (train → training, never
 * rain → training).
 */
function relevanceForms(word: string): TokenQuery[][] {
	const joined = splitWords(word).join('')
	if (!joined) return []
	const forms = [word, ...(SYNONYMS.get(joined) ?? []).filter((w) => w !== joined)]
	return forms
		.map((form) => {
			const tokens = tokenizeQuery(form).map((t) => t.toLowerCase())
			return tokens.map((token, k) => ({ token, prefix: k === tokens.length - 1 && !hasHan(token), fuzzy: 0 }))
		})
		.filter((tokens) => tokens.length)
}

export function createEmbeddedSearchEngine(options: EmbeddedSearchOptions = {}): SearchEngine {
	return new EmbeddedSearchEngine(options)
}
