// The Chinese-aware tokenizer of the embedded engine (ADR 005). Chinese has no spaces, and a
// dictionary segmenter cuts a phrase one way only: Intl.Segmenter reads 帮扶 as 帮|扶 and keeps
// 乡村振兴 apart from 振兴 in some contexts. So a text yields its Segmenter words *and* the
// character bigrams of every CJK run: any two-character word a user types is then a token of
// every text that contains it, whatever the segmenter made of the context.

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' })

const HAN = /\p{Script=Han}/u
const HAN_RUNS = /\p{Script=Han}+/gu
// Anything that is not a letter, digit or combining mark separates chunks: whitespace, ASCII and
// full-width punctuation, symbols.
const SEPARATORS = /[^\p{L}\p{N}\p{M}]+/u

/**
 * Longest piece handed to Intl.Segmenter at once. NOTE: its cost grows much faster than linearly
 * with the length of unbroken CJK text (measured on Node 20: 10,000 characters 0.25 s, 40,000
 * characters 13 s), so long runs are cut. Bigrams are computed over the whole run, so no
 * two-character word is lost at a cut.
 */
const MAX_SEGMENT_CHUNK = 200

export function hasHan(term: string): boolean {
	return HAN.test(term)
}

/** NFKC folds full-width letters and digits (ＡＢＣ１２３) to ASCII; then lower case. */
function normalize(text: string): string {
	return text.normalize('NFKC').toLowerCase()
}

/** The text's words as a user sees them: normalized, split at whitespace and punctuation. */
export function splitWords(text: string): string[] {
	return normalize(text)
		.split(SEPARATORS)
		.filter((w) => w.length > 0)
}

function addHanGrams(chunk: string, out: Set<string>) {
	for (const [run] of chunk.matchAll(HAN_RUNS)) {
		const chars = Array.from(run)
		if (chars.length === 1) {
			out.add(run)
			continue
		}
		for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i] + chars[i + 1])
	}
}

function addSegmenterWords(chunk: string, out: Set<string>, skipHan: boolean) {
	for (let start = 0; start < chunk.length; start += MAX_SEGMENT_CHUNK) {
		for (const s of segmenter.segment(chunk.slice(start, start + MAX_SEGMENT_CHUNK))) {
			if (!s.isWordLike) continue
			if (skipHan && hasHan(s.segment)) continue
			out.add(s.segment)
		}
	}
}

/**
 * Index tokens: Intl.Segmenter words plus CJK bigrams (a lone CJK character stands for itself),
 * English and digits lower-cased, deduplicated.
 */
export function tokenize(text: string): string[] {
	const out = new Set<string>()
	for (const chunk of splitWords(text)) {
		addSegmenterWords(chunk, out, false)
		addHanGrams(chunk, out)
	}
	return [...out]
}

/**
 * Query tokens: the same normalization and splitting, but CJK is matched by its bigrams only.
 * The segmenter's reading of a query need not match its reading of a text (蔬菜种植 vs 种植蔬菜),
 * whereas every bigram of a query is a token of any text that contains the query. Requiring all
 * bigrams therefore approximates "contains this phrase".
 */
export function tokenizeQuery(text: string): string[] {
	const out = new Set<string>()
	for (const chunk of splitWords(text)) {
		addSegmenterWords(chunk, out, true)
		addHanGrams(chunk, out)
	}
	return [...out]
}
