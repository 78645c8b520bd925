// The embedded engine's full-text index (ADR 008): one posting list of plain integers per token,
// instead of MiniSearch's map of maps per token (about 80 bytes a posting; 330 MB and 22 s for
// 100,000 needs). A posting is `ordinal * 4 + inTitle * 2 + inBody`: tokens are deduplicated per
// field (tokenize.ts), so whether a field has a token is all a score needs. Ordinals only grow: a
// replaced or removed document's old ordinal is dead and skipped, and lists are compacted once a
// fifth of their entries are dead, so every list stays sorted by ordinal and lists intersect by
// merging.
import { hasHan } from './tokenize.ts'

/** BM25 (as MiniSearch and Lucene use it): term-frequency saturation and length normalisation. */
const K1 = 1.2
const B = 0.7
/** Weights of a token found by prefix or with typos, against an exact match (MiniSearch's). */
const PREFIX_WEIGHT = 0.375
const FUZZY_WEIGHT = 0.45

/** Matched ordinals in ascending order with their scores (parallel arrays). */
export type Matches = { ords: number[]; scores: number[] }

/** One leaf of a query: a token, with how far it may stretch. */
export type TokenQuery = { token: string; prefix: boolean; fuzzy: number }

/**
 * A query in disjunctive form: every word must match (AND); a word matches through any of its
 * alternatives (OR: synonyms); an alternative matches when every one of its tokens does (AND).
 */
export type TextQuery = TokenQuery[][][]

/** Lists at most this long stay plain arrays when sealed; longer ones become Int32Arrays. */
const SEAL_MIN = 8
/** Postings added since the last seal that trigger the next one (on the next search). */
const RESEAL_AFTER = 50_000

type List = number[] | Int32Array

export class TextIndex {
	/**
	 * A token's postings are its sealed list (4 bytes a posting) followed by its open list (a plain
	 * array, where new postings go; V8 spends 8–10 bytes on each). Both ascend, and every open
	 * posting comes after every sealed one, so the two read as one sorted list.
	 */
	readonly #sealed = new Map<string, Int32Array>()
	readonly #open = new Map<string, number[]>()
	#unsealed = 0
	/** Tokens without Han characters, sorted, for prefix and typo expansion; rebuilt when stale. */
	#latin: string[] | null = []
	readonly #titleLen: number[] = []
	readonly #bodyLen: number[] = []
	readonly #alive: number[] = []
	#liveCount = 0
	#titleTotal = 0
	#bodyTotal = 0
	#dead = 0
	#postingCount = 0

	get size() {
		return this.#liveCount
	}

	/** Indexes the next ordinal (ordinals must be added in increasing order). */
	add(ord: number, titleTokens: string[], bodyTokens: string[]) {
		if (ord < this.#alive.length) throw new Error(`ordinal ${ord} was already added`)
		while (this.#alive.length < ord) {
			this.#alive.push(0)
			this.#titleLen.push(0)
			this.#bodyLen.push(0)
		}
		this.#alive.push(1)
		this.#titleLen.push(titleTokens.length)
		this.#bodyLen.push(bodyTokens.length)
		this.#liveCount++
		this.#titleTotal += titleTokens.length
		this.#bodyTotal += bodyTokens.length
		const inBody = new Set(bodyTokens)
		for (const t of titleTokens) this.#push(t, ord * 4 + 2 + (inBody.delete(t) ? 1 : 0))
		for (const t of inBody) this.#push(t, ord * 4 + 1)
	}

	#push(token: string, posting: number) {
		const list = this.#open.get(token)
		if (list) list.push(posting)
		else {
			this.#open.set(token, [posting])
			if (this.#latin && !this.#sealed.has(token) && !hasHan(token)) this.#latin = null
		}
		this.#postingCount++
		this.#unsealed++
	}

	/** A token's postings in ascending order (sealed part, then open part). */
	*#list(token: string): Generator<number> {
		const sealed = this.#sealed.get(token)
		if (sealed) yield* sealed
		const open = this.#open.get(token)
		if (open) yield* open
	}

	#length(token: string): number {
		return (this.#sealed.get(token)?.length ?? 0) + (this.#open.get(token)?.length ?? 0)
	}

	#has(token: string): boolean {
		return this.#sealed.has(token) || this.#open.has(token)
	}

	/**
	 * Moves every open list longer than SEAL_MIN (with its sealed part) into one Int32Array. The
	 * engine calls it after a bulk load; searches call it once enough postings have come in.
	 */
	seal() {
		for (const [token, open] of this.#open) {
			const sealed = this.#sealed.get(token)
			const length = (sealed?.length ?? 0) + open.length
			if (length <= SEAL_MIN) continue
			const merged = new Int32Array(length)
			if (sealed) merged.set(sealed)
			merged.set(open, sealed?.length ?? 0)
			this.#sealed.set(token, merged)
			this.#open.delete(token)
		}
		this.#unsealed = 0
	}

	/** Marks an ordinal dead; its postings are skipped now and dropped at the next compaction. */
	remove(ord: number) {
		if (!this.#alive[ord]) return
		this.#alive[ord] = 0
		this.#liveCount--
		this.#titleTotal -= this.#titleLen[ord]
		this.#bodyTotal -= this.#bodyLen[ord]
		this.#dead += this.#titleLen[ord] + this.#bodyLen[ord]
		if (this.#dead > 10_000 && this.#dead * 5 > this.#postingCount) this.#compact()
	}

	#compact() {
		const tokens = new Set([...this.#sealed.keys(), ...this.#open.keys()])
		this.#postingCount = 0
		for (const token of tokens) {
			const kept = [...this.#list(token)].filter((p) => this.#alive[p >> 2] === 1)
			this.#sealed.delete(token)
			if (kept.length) this.#open.set(token, kept)
			else this.#open.delete(token)
			this.#postingCount += kept.length
		}
		this.#latin = null
		this.#dead = 0
		this.seal()
	}

	/** The ordinals matching `query`, ascending, with BM25 scores (title matches weighted `titleBoost`). */
	search(query: TextQuery, titleBoost: number): Matches {
		if (this.#unsealed > RESEAL_AFTER) this.seal()
		let result: Matches | null = null
		for (const word of query) {
			let alternatives: Matches | null = null
			for (const tokens of word) {
				let all: Matches | null = null
				for (const leaf of tokens) {
					const m = this.#leaf(leaf, titleBoost)
					all = all ? intersect(all, m) : m
					if (!all.ords.length) break
				}
				if (all) alternatives = alternatives ? union(alternatives, all) : all
			}
			const matched: Matches = alternatives ?? { ords: [], scores: [] }
			result = result ? intersect(result, matched) : matched
			if (!result.ords.length) break
		}
		return result ?? { ords: [], scores: [] }
	}

	/** Matches of one token: exact, plus prefix and typo expansions where allowed. */
	#leaf(leaf: TokenQuery, titleBoost: number): Matches {
		let out: Matches = { ords: [], scores: [] }
		for (const [t, weight] of this.#expand(leaf)) out = union(out, this.#score(t, weight, titleBoost))
		return out
	}

	/** The index's tokens a query token stands for, with their weights. */
	#expand(leaf: TokenQuery): Map<string, number> {
		const weights = new Map<string, number>()
		if (this.#has(leaf.token)) weights.set(leaf.token, 1)
		if (!leaf.prefix && !leaf.fuzzy) return weights
		const latin = this.#latinTokens()
		if (leaf.prefix) {
			for (let i = lowerBound(latin, leaf.token); i < latin.length && latin[i].startsWith(leaf.token); i++) {
				if (!weights.has(latin[i])) weights.set(latin[i], PREFIX_WEIGHT)
			}
		}
		if (leaf.fuzzy) {
			for (const t of latin) {
				if (weights.has(t) || Math.abs(t.length - leaf.token.length) > leaf.fuzzy) continue
				if (withinEdits(leaf.token, t, leaf.fuzzy)) weights.set(t, FUZZY_WEIGHT)
			}
		}
		return weights
	}

	#score(token: string, weight: number, titleBoost: number): Matches {
		const ords: number[] = []
		const scores: number[] = []
		const length = this.#length(token)
		if (!length || !this.#liveCount) return { ords, scores }
		const n = this.#liveCount
		// Document frequency counts dead entries too until compaction: close enough for a weight.
		const df = Math.min(length, n)
		const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5))
		const avgTitle = this.#titleTotal / n || 1
		const avgBody = this.#bodyTotal / n || 1
		const score = (p: number) => {
			const ord = p >> 2
			if (this.#alive[ord] !== 1) return
			let s = 0
			if (p & 2) s += (titleBoost * (K1 + 1)) / (1 + K1 * (1 - B + (B * this.#titleLen[ord]) / avgTitle))
			if (p & 1) s += (K1 + 1) / (1 + K1 * (1 - B + (B * this.#bodyLen[ord]) / avgBody))
			ords.push(ord)
			scores.push(s * idf * weight)
		}
		// Plain loops over both parts: a generator here costs more than the scoring.
		const sealed = this.#sealed.get(token)
		if (sealed) for (let i = 0; i < sealed.length; i++) score(sealed[i])
		const open = this.#open.get(token)
		if (open) for (let i = 0; i < open.length; i++) score(open[i])
		return { ords, scores }
	}

	#latinTokens(): string[] {
		if (!this.#latin) this.#latin = [...new Set([...this.#sealed.keys(), ...this.#open.keys()])].filter((t) => !hasHan(t)).sort()
		return this.#latin
	}

	/**
	 * For each live ordinal of `ords`, the fields in which every token of `tokens` occurs (bit 2
	 * title, bit 1 body; a prefix token through any token it starts). Ordinals matching in neither
	 * are absent. Costs a binary search per ordinal and token, not a pass over the postings.
	 */
	fieldsWith(tokens: TokenQuery[], ords: Iterable<number>): Map<number, number> {
		const expanded = tokens.map((leaf) => [...this.#expand(leaf).keys()])
		const out = new Map<number, number>()
		for (const ord of ords) {
			if (this.#alive[ord] !== 1) continue
			let bits = 3
			for (const alternatives of expanded) {
				let here = 0
				for (const t of alternatives) here |= this.#bitsOf(t, ord)
				bits &= here
				if (!bits) break
			}
			if (bits) out.set(ord, bits)
		}
		return out
	}

	#bitsOf(token: string, ord: number): number {
		const sealed = this.#sealed.get(token)
		if (sealed) {
			const bits = findBits(sealed, ord)
			if (bits) return bits
		}
		const open = this.#open.get(token)
		return open ? findBits(open, ord) : 0
	}
}

/** The field bits of `ord` in an ascending posting list, or 0. */
function findBits(list: List, ord: number): number {
	let lo = 0
	let hi = list.length
	while (lo < hi) {
		const mid = (lo + hi) >> 1
		const o = list[mid] >> 2
		if (o < ord) lo = mid + 1
		else if (o > ord) hi = mid
		else return list[mid] & 3
	}
	return 0
}

function lowerBound(sorted: string[], key: string): number {
	let lo = 0
	let hi = sorted.length
	while (lo < hi) {
		const mid = (lo + hi) >> 1
		if (sorted[mid] < key) lo = mid + 1
		else hi = mid
	}
	return lo
}

/** Ordinals in both, scores added. */
export function intersect(a: Matches, b: Matches): Matches {
	const ords: number[] = []
	const scores: number[] = []
	let i = 0
	let j = 0
	while (i < a.ords.length && j < b.ords.length) {
		const x = a.ords[i]
		const y = b.ords[j]
		if (x === y) {
			ords.push(x)
			scores.push(a.scores[i] + b.scores[j])
			i++
			j++
		} else if (x < y) i++
		else j++
	}
	return { ords, scores }
}

/** Ordinals in either, the better score where both have one (alternatives are not added up). */
export function union(a: Matches, b: Matches): Matches {
	if (!a.ords.length) return b
	if (!b.ords.length) return a
	const ords: number[] = []
	const scores: number[] = []
	let i = 0
	let j = 0
	while (i < a.ords.length || j < b.ords.length) {
		const x = i < a.ords.length ? a.ords[i] : Number.POSITIVE_INFINITY
		const y = j < b.ords.length ? b.ords[j] : Number.POSITIVE_INFINITY
		if (x === y) {
			ords.push(x)
			scores.push(Math.max(a.scores[i], b.scores[j]))
			i++
			j++
		} else if (x < y) {
			ords.push(x)
			scores.push(a.scores[i++])
		} else {
			ords.push(y)
			scores.push(b.scores[j++])
		}
	}
	return { ords, scores }
}

/** Levenshtein distance of a and b is at most `max` (banded; the strings are short words). */
export function withinEdits(a: string, b: string, max: number): boolean {
	if (Math.abs(a.length - b.length) > max) return false
	let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
	for (let i = 1; i <= a.length; i++) {
		const row = [i]
		let best = i
		for (let j = 1; j <= b.length; j++) {
			const v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
			row.push(v)
			if (v < best) best = v
		}
		if (best > max) return false
		prev = row
	}
	return prev[b.length] <= max
}
