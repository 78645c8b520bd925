// The Meilisearch adapter (ADR 005), over the official client (meilisearch 0.62: `Meilisearch`,
// tasks awaited with `EnqueuedTaskPromise.waitTask`). One index per type, `<prefix>_need` etc.
// Meilisearch segments Chinese with jieba, which keeps compounds whole (乡村振兴), so a query for a
// word inside one (振兴) would miss; each document therefore also carries `keywords`, the CJK tokens
// of our own tokenizer (bigrams included), as a lowest-priority searchable attribute.
import { type Index, type Settings, type Task, Meilisearch, MeilisearchApiError } from 'meilisearch'
import {
	type RelevanceHit,
	type RelevanceQuery,
	type RelevanceScorer,
	type SearchDocument,
	type SearchEngine,
	type SearchFilters,
	type SearchHealth,
	type SearchQuery,
	type SearchResult,
	type SearchSort,
	type SearchType,
	RELEVANCE_DEPTH,
	SEARCH_TYPES,
	SYNONYM_GROUPS,
	URGENCY_RANK,
	effectiveSort,
	pageOf,
} from './port.ts'
import { hasHan, tokenize } from './tokenize.ts'

/**
 * Stand-in for unlimited `remaining`: Meilisearch sorts documents without a value last in both
 * directions, but unlimited must come first in a descending sort.
 */
const UNLIMITED = Number.MAX_SAFE_INTEGER

type MeiliDocument = Omit<SearchDocument, 'remaining'> & { remaining: number; urgencyRank: number; keywords: string }

const FACETS = ['categories', 'status', 'urgency', 'orgKind'] as const
const LOCALES = ['cmn', 'eng']

const SETTINGS: Settings = {
	searchableAttributes: ['title', 'body', 'keywords'],
	filterableAttributes: ['categories', 'regionPrefixes', 'regionCodes', 'status', 'urgency', 'orgKind', 'isKeyCounty'],
	sortableAttributes: ['createdAt', 'neededBy', 'remaining', 'urgencyRank'],
	// `sort` first: a sort the user picks orders the results strictly, relevance breaking ties, as
	// the embedded engine does. Without a sort parameter the rule does nothing.
	rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
	// Bigrams in `keywords` are exact tokens; a typo there would match a different word.
	typoTolerance: { enabled: true, disableOnAttributes: ['keywords'] },
	synonyms: synonymMap(),
	// Short texts of Han characters are otherwise often detected as Japanese and segmented wrongly.
	localizedAttributes: [{ attributePatterns: ['title', 'body', 'keywords'], locales: LOCALES }],
	// Totals must be exact for pagination; the default caps them at 1,000.
	pagination: { maxTotalHits: 10_000 },
	faceting: { maxValuesPerFacet: 200 },
}

function synonymMap(): Record<string, string[]> {
	const out: Record<string, string[]> = {}
	for (const group of SYNONYM_GROUPS) for (const w of group) out[w] = group.filter((x) => x !== w)
	return out
}

const SORTS: Record<Exclude<SearchSort, 'relevance'>, string[]> = {
	newest: ['createdAt:desc'],
	needed_by: ['neededBy:asc', 'createdAt:desc'],
	urgency: ['urgencyRank:desc', 'createdAt:desc'],
	remaining: ['remaining:desc', 'createdAt:desc'],
}

function quote(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function anyOf(attribute: string, values: string[]): string {
	return `${attribute} IN [${values.map(quote).join(', ')}]`
}

/** The filters as Meilisearch filter expressions, all of which must hold. */
export function meiliFilter(f: SearchFilters | undefined): string[] {
	if (!f) return []
	const out: string[] = []
	if (f.categories?.length) out.push(anyOf('categories', f.categories))
	if (f.regionPrefix) out.push(`regionPrefixes = ${quote(f.regionPrefix)}`)
	if (f.regionCodesAny?.length) out.push(anyOf('regionPrefixes', f.regionCodesAny))
	if (f.status?.length) out.push(anyOf('status', f.status))
	if (f.urgency?.length) out.push(anyOf('urgency', f.urgency))
	if (f.orgKind?.length) out.push(anyOf('orgKind', f.orgKind))
	if (f.keyCounty !== undefined) out.push(`isKeyCounty = ${f.keyCounty}`)
	return out
}

function toMeili(doc: SearchDocument): MeiliDocument {
	const { remaining, ...rest } = doc
	return {
		...rest,
		remaining: remaining ?? UNLIMITED,
		urgencyRank: URGENCY_RANK[doc.urgency ?? ''] ?? 0,
		keywords: tokenize(`${doc.title}\n${doc.body}`).filter(hasHan).join(' '),
	}
}

export type MeilisearchEngineOptions = {
	host: string
	apiKey?: string
	/** Index names are `<prefix>_need`, `<prefix>_offer`, `<prefix>_project`. Default 'bangfu'. */
	indexPrefix?: string
	/**
	 * Wait until Meilisearch has applied each write (default true). The drain deletes an outbox row
	 * once `upsert` returns, so without waiting a task that later fails would be lost.
	 */
	waitForTasks?: boolean
	/** Per-task wait limit in ms (default 60 s). */
	taskTimeoutMs?: number
}

export class MeilisearchEngine implements SearchEngine {
	readonly client: Meilisearch
	readonly indexPrefix: string
	readonly #wait: boolean
	readonly #timeout: number
	readonly #ready = new Map<SearchType, Promise<Index<MeiliDocument>>>()

	constructor(options: MeilisearchEngineOptions) {
		this.client = new Meilisearch({ host: options.host, apiKey: options.apiKey })
		this.indexPrefix = options.indexPrefix ?? 'bangfu'
		this.#wait = options.waitForTasks ?? true
		this.#timeout = options.taskTimeoutMs ?? 60_000
	}

	indexUid(type: SearchType): string {
		return `${this.indexPrefix}_${type}`
	}

	/**
	 * The type's index with our settings applied, once per process. Updating settings creates a
	 * missing index, and is always awaited: a filter on an attribute not yet filterable is an error.
	 */
	#index(type: SearchType): Promise<Index<MeiliDocument>> {
		let ready = this.#ready.get(type)
		if (!ready) {
			const index = this.client.index<MeiliDocument>(this.indexUid(type))
			ready = this.#settle(index.updateSettings(SETTINGS), true).then(() => index)
			this.#ready.set(type, ready)
			ready.catch(() => {
				if (this.#ready.get(type) === ready) this.#ready.delete(type)
			})
		}
		return ready
	}

	/** Waits for a task (when configured, or `force`) and turns a failed task into an error. */
	async #settle(enqueued: ReturnType<Index['addDocuments']>, force = false): Promise<void> {
		if (!this.#wait && !force) {
			await enqueued
			return
		}
		const task: Task = await enqueued.waitTask({ timeout: this.#timeout, interval: 50 })
		if (task.status !== 'succeeded') {
			throw new Error(`meilisearch task ${task.uid} (${task.type}) ${task.status}${task.error ? `: ${task.error.code} ${task.error.message}` : ''}`)
		}
	}

	async upsert(docs: SearchDocument[]): Promise<void> {
		for (const type of SEARCH_TYPES) {
			const ofType = docs.filter((d) => d.type === type)
			if (!ofType.length) continue
			const index = await this.#index(type)
			await this.#settle(index.addDocuments(ofType.map(toMeili), { primaryKey: 'id' }))
		}
	}

	async remove(ids: Array<{ type: SearchType; id: string }>): Promise<void> {
		for (const type of SEARCH_TYPES) {
			const ofType = ids.filter((r) => r.type === type).map((r) => r.id)
			if (!ofType.length) continue
			const index = await this.#index(type)
			await this.#settle(index.deleteDocuments(ofType))
		}
	}

	async search(query: SearchQuery): Promise<SearchResult> {
		const index = await this.#index(query.type)
		const { page, pageSize } = pageOf(query)
		const sort = effectiveSort(query)
		const q = query.q?.trim() ?? ''
		const response = await index.search(q, {
			filter: meiliFilter(query.filters),
			facets: [...FACETS],
			sort: sort === 'relevance' ? undefined : SORTS[sort],
			// Every word must match, as in the embedded engine; the default drops words from the end.
			matchingStrategy: 'all',
			page,
			hitsPerPage: pageSize,
			attributesToRetrieve: ['id'],
			showRankingScore: true,
			locales: LOCALES,
		})
		const distribution = response.facetDistribution ?? {}
		return {
			hits: response.hits.map((h) => ({ id: String(h.id), score: h._rankingScore ?? 0 })),
			total: response.totalHits,
			facets: {
				categories: { ...distribution.categories },
				status: { ...distribution.status },
				urgency: { ...distribution.urgency },
				orgKind: { ...distribution.orgKind },
			},
		}
	}

	relevance(query: RelevanceQuery): RelevanceScorer {
		// Sent now, awaited when the ids are known: the round trip overlaps the caller's own work.
		// A failure surfaces when the scorer is called (and is caught here until then).
		const searches = Promise.all(
			query.words.map(async (word) => {
				const index = await this.#index(query.type)
				const response = await index.search(word, {
					filter: meiliFilter(query.filters),
					matchingStrategy: 'all',
					limit: RELEVANCE_DEPTH,
					attributesToRetrieve: ['id'],
					showRankingScore: true,
					locales: LOCALES,
				})
				return response.hits.map((h) => ({ id: String(h.id), score: h._rankingScore ?? 0 }))
			}),
		)
		searches.catch(() => {})
		return async (ids) => {
			const wanted = new Set(ids)
			const out = new Map<string, RelevanceHit>()
			const results = await searches
			results.forEach((hits, i) => {
				for (const { id, score } of hits) {
					if (!wanted.has(id) || !(score > 0)) continue
					const hit = out.get(id)
					if (hit) {
						hit.score += score
						hit.words.push(query.words[i])
					} else out.set(id, { score, words: [query.words[i]] })
				}
			})
			return out
		}
	}

	async clear(type?: SearchType): Promise<void> {
		for (const t of type ? [type] : SEARCH_TYPES) {
			const index = await this.#index(t)
			await this.#settle(index.deleteAllDocuments(), true)
		}
	}

	async health(): Promise<SearchHealth> {
		try {
			const health = await this.client.health()
			return { ok: health.status === 'available', engine: 'meilisearch', detail: health.status }
		} catch (error) {
			const detail = error instanceof MeilisearchApiError ? `${error.cause?.code ?? error.response.status} ${error.message}` : String((error as Error)?.message ?? error)
			return { ok: false, engine: 'meilisearch', detail }
		}
	}

	/** Deletes this engine's indexes (tests; a fresh prefix per run). */
	async deleteIndexes(): Promise<void> {
		for (const type of SEARCH_TYPES) {
			this.#ready.delete(type)
			// A missing index makes the task fail with index_not_found: nothing to delete then.
			await this.client.deleteIndex(this.indexUid(type)).waitTask({ timeout: this.#timeout })
		}
	}
}

export function createMeilisearchEngine(options: MeilisearchEngineOptions): MeilisearchEngine {
	return new MeilisearchEngine(options)
}
