// The embedded search adapter (ADR 005): one in-memory MiniSearch per type, for installs without a
// search server. Text matching uses the Chinese-aware tokenizer; filters, facets, sorting and
// pagination happen here over the matched documents' stored fields. An index lives in this process
// only: it is filled lazily (from the database, through `load`) and kept fresh by the outbox drain
// running in the same process.
import MiniSearch, { type Query, type SearchOptions } from 'minisearch'
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
import { hasHan, splitWords, tokenize, tokenizeQuery } from './tokenize.ts'

const STORED_FIELDS = [
	'categories',
	'regionCodes',
	'regionPrefixes',
	'status',
	'urgency',
	'orgId',
	'orgKind',
	'isKeyCounty',
	'createdAt',
	'neededBy',
	'remaining',
] as const satisfies ReadonlyArray<keyof SearchDocument>

type Stored = Pick<SearchDocument, (typeof STORED_FIELDS)[number]>
type Match = Stored & { id: string; score: number }

export type EmbeddedSearchOptions = {
	/**
	 * Supplies a type's documents the first time its index is used (after a restart the in-memory
	 * index is empty). Without it an index starts empty. An explicit `clear` counts as loaded.
	 */
	load?: (type: SearchType) => AsyncIterable<SearchDocument[]> | Promise<SearchDocument[]>
}

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
function fuzzyFor(term: string): number | false {
	if (hasHan(term) || !LETTERS_ONLY.test(term)) return false
	if (term.length >= 9) return 2
	if (term.length >= 5) return 1
	return false
}

/** Prefix search only on the last word of the query (as typed so far), and never on CJK. */
function prefixLast(term: string, index: number, terms: string[]): boolean {
	return index === terms.length - 1 && term.length >= 2 && !hasHan(term)
}

/**
 * Every query word must match (AND); a word matches through any of its synonyms (OR); within one
 * word or synonym all its tokens must match (AND), which for CJK means every bigram, so 蔬菜大棚
 * does not match a text that only mentions 蔬菜. Returns undefined when the query has no tokens.
 */
function buildQuery(q: string): Query | undefined {
	const words = splitWords(q).filter((w) => tokenizeQuery(w).length > 0)
	if (!words.length) return undefined
	return {
		combineWith: 'AND',
		queries: words.map((word, i) => ({
			combineWith: 'OR',
			queries: (SYNONYMS.get(word) ?? [word]).map((alternative) => ({
				// NOTE: nested queries inherit their parent's options, so each leaf restates AND.
				combineWith: 'AND',
				prefix: i === words.length - 1 ? prefixLast : false,
				queries: [alternative],
			})),
		})),
	}
}

function newIndex() {
	return new MiniSearch<SearchDocument>({
		idField: 'id',
		fields: ['title', 'body'],
		storeFields: [...STORED_FIELDS],
		tokenize: (text) => tokenize(text),
		processTerm: (term) => term.toLowerCase(),
		searchOptions: {
			tokenize: (text) => tokenizeQuery(text),
			boost: { title: TITLE_BOOST },
			combineWith: 'AND',
			fuzzy: (term) => fuzzyFor(term),
			prefix: false,
		},
	})
}

/**
 * A type's index: MiniSearch for `search`, and each record's title and body as normalized words
 * (splitWords, space-joined) for `relevance`, which scores a few thousand given records by substring
 * tests instead of scoring every record that contains a word (MiniSearch's cost: 5–30 ms per common
 * word over 50,000 offers). The texts cost about the size of the text in memory.
 */
type TypeIndex = { mini: MiniSearch<SearchDocument>; texts: Map<string, { title: string; body: string }> }

function newTypeIndex(): TypeIndex {
	return { mini: newIndex(), texts: new Map() }
}

/**
 * A word's forms for `relevance`, as substrings of a TypeIndex text: normalized, then its
 * synonyms. Texts start with a space, so a form of letters or digits gets one in front: it matches
 * at the start of a word (train → training, never rain → training); a Chinese form matches anywhere.
 */
function relevanceForms(word: string): string[] {
	const parts = splitWords(word)
	const joined = parts.join('')
	if (!joined) return []
	const forms = [parts.join(' '), ...(SYNONYMS.get(joined) ?? []).filter((w) => w !== joined)]
	return [...new Set(forms.map((f) => (hasHan(f[0]) ? f : ` ${f}`)))]
}

function matchesFilters(doc: Stored, f: SearchFilters | undefined): boolean {
	if (!f) return true
	if (f.categories?.length && !doc.categories.some((c) => f.categories!.includes(c))) return false
	if (f.regionPrefix && !doc.regionPrefixes.includes(f.regionPrefix)) return false
	if (f.regionCodesAny && !doc.regionPrefixes.some((c) => f.regionCodesAny!.includes(c))) return false
	if (f.status?.length && !f.status.includes(doc.status)) return false
	if (f.urgency?.length && (!doc.urgency || !f.urgency.includes(doc.urgency))) return false
	if (f.orgKind?.length && !f.orgKind.includes(doc.orgKind)) return false
	if (f.keyCounty !== undefined && doc.isKeyCounty !== f.keyCounty) return false
	return true
}

function count(into: FacetCounts, key: string | undefined) {
	if (key !== undefined && key !== null) into[key] = (into[key] ?? 0) + 1
}

const newestFirst = (a: Match, b: Match) => b.createdAt - a.createdAt

const SORT_KEYS: Record<SearchSort, (a: Match, b: Match) => number> = {
	relevance: (a, b) => b.score - a.score,
	newest: newestFirst,
	needed_by: (a, b) => (a.neededBy ?? Number.POSITIVE_INFINITY) - (b.neededBy ?? Number.POSITIVE_INFINITY) || 0,
	urgency: (a, b) => (URGENCY_RANK[b.urgency ?? ''] ?? 0) - (URGENCY_RANK[a.urgency ?? ''] ?? 0),
	// null/undefined remaining is unlimited: more than any number.
	remaining: (a, b) => (b.remaining ?? Number.POSITIVE_INFINITY) - (a.remaining ?? Number.POSITIVE_INFINITY) || 0,
}

function compareWith(sort: SearchSort) {
	const primary = SORT_KEYS[sort]
	// Infinity - Infinity is NaN: `|| 0` above turns it into a tie. Ties: newest, best match, then
	// id (time-ordered) so that pages never overlap.
	return (a: Match, b: Match) => primary(a, b) || newestFirst(a, b) || b.score - a.score || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

export class EmbeddedSearchEngine implements SearchEngine {
	readonly #indexes = new Map<SearchType, Promise<TypeIndex>>()
	readonly #load: EmbeddedSearchOptions['load']

	constructor(options: EmbeddedSearchOptions = {}) {
		this.#load = options.load
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
		const index = newTypeIndex()
		if (!this.#load) return index
		const loaded = this.#load(type)
		const batches = Symbol.asyncIterator in loaded ? loaded : [await loaded]
		for await (const batch of batches) {
			for (const doc of batch) if (doc.type === type) put(index, doc)
		}
		return index
	}

	async upsert(docs: SearchDocument[]): Promise<void> {
		for (const type of SEARCH_TYPES) {
			const ofType = docs.filter((d) => d.type === type)
			if (!ofType.length) continue
			const index = await this.#index(type)
			for (const doc of ofType) put(index, doc)
		}
	}

	async remove(ids: Array<{ type: SearchType; id: string }>): Promise<void> {
		for (const type of SEARCH_TYPES) {
			const ofType = ids.filter((r) => r.type === type)
			if (!ofType.length) continue
			const index = await this.#index(type)
			for (const { id } of ofType) {
				if (index.mini.has(id)) index.mini.discard(id)
				index.texts.delete(id)
			}
		}
	}

	async search(query: SearchQuery): Promise<SearchResult> {
		const index = (await this.#index(query.type)).mini
		const text = query.q?.trim() ? buildQuery(query.q) : undefined
		const options: SearchOptions = { filter: (r) => matchesFilters(r as unknown as Stored, query.filters) }
		const matches = index.search(text ?? MiniSearch.wildcard, options) as unknown as Match[]

		const facets = { categories: {}, status: {}, urgency: {}, orgKind: {} } as SearchResult['facets']
		for (const m of matches) {
			for (const c of m.categories) count(facets.categories, c)
			count(facets.status, m.status)
			count(facets.urgency, m.urgency)
			count(facets.orgKind, m.orgKind)
		}

		matches.sort(compareWith(effectiveSort({ q: text ? query.q : undefined, sort: query.sort })))
		const { page, pageSize } = pageOf(query)
		const hits = matches.slice((page - 1) * pageSize, page * pageSize).map((m) => ({ id: String(m.id), score: m.score }))
		return { hits, total: matches.length, facets }
	}

	relevance(query: RelevanceQuery): RelevanceScorer {
		const words = query.words.map((word) => ({ word, forms: relevanceForms(word) })).filter((w) => w.forms.length)
		return async (ids) => {
			const out = new Map<string, RelevanceHit>()
			if (!words.length) return out
			const { texts } = await this.#index(query.type)
			const records: Array<[string, { title: string; body: string }]> = []
			for (const id of new Set(ids)) {
				const text = texts.get(id)
				if (text) records.push([id, text])
			}
			const n = records.length
			for (const { word, forms } of words) {
				const weights: Array<[string, number]> = []
				for (const [id, { title, body }] of records) {
					const weight = (forms.some((f) => title.includes(f)) ? TITLE_BOOST : 0) + (forms.some((f) => body.includes(f)) ? 1 : 0)
					if (weight) weights.push([id, weight])
				}
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
		for (const t of type ? [type] : SEARCH_TYPES) this.#indexes.set(t, Promise.resolve(newTypeIndex()))
	}

	async health() {
		const counts: string[] = []
		for (const type of SEARCH_TYPES) {
			const index = this.#indexes.get(type)
			counts.push(`${type} ${index ? (await index.catch(() => undefined))?.mini.documentCount ?? 'failed' : 'not loaded'}`)
		}
		return { ok: true, engine: 'embedded' as const, detail: counts.join(', ') }
	}
}

function put(index: TypeIndex, doc: SearchDocument) {
	if (index.mini.has(doc.id)) index.mini.replace(doc)
	else index.mini.add(doc)
	index.texts.set(doc.id, { title: ` ${splitWords(doc.title).join(' ')}`, body: ` ${splitWords(doc.body).join(' ')}` })
}

export function createEmbeddedSearchEngine(options: EmbeddedSearchOptions = {}): SearchEngine {
	return new EmbeddedSearchEngine(options)
}
