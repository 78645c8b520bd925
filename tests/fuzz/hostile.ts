// Hostile input for the fuzz suites (tests/fuzz/*.test.ts): field values a browser, a script or an
// attacker may send. Everything here is a fast-check arbitrary; the suites combine them into form
// bodies and JSON bodies.
import fc from 'fast-check'

/** The base seed: fixed so a failure reproduces; FUZZ_SEED overrides it. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_260_801)

/** A seed per property, derived from the base seed and the property's name (stable across runs). */
export function seedFor(name: string): number {
	let h = FUZZ_SEED | 0
	for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0
	return h
}

export const SQL_LIKE = [
	"' OR 1=1 --",
	"' OR '1'='1",
	'"; DROP TABLE need; --',
	"'); DELETE FROM account; --",
	"1' UNION SELECT password_hash FROM account --",
	"admin'--",
	'%',
	'_',
	'\\',
	"\\'; --",
	'`need`',
	'1; SELECT sleep(5)',
] as const

export const HTML_LIKE = [
	'<script>alert(1)</script>',
	'"><img src=x onerror=alert(1)>',
	"'><svg onload=alert(1)>",
	'<a href="javascript:alert(1)">x</a>',
	'&lt;b&gt;&amp;&#x27;',
	'{{constructor.constructor("alert(1)")()}}',
	'<!--',
	']]><![CDATA[',
	'</textarea><script>alert(1)</script>',
] as const

export const NUMBER_LIKE = [
	'-1',
	'-0',
	'0',
	'-100.50',
	'NaN',
	'Infinity',
	'-Infinity',
	'1e309',
	'1e3',
	'0x10',
	'1,000',
	'1，000',
	'¥100',
	'100元',
	'０１２',
	'１２３',
	'1.005',
	'1.2.3',
	'.5',
	'5.',
	'99999999999999999999',
	'9007199254740993',
	' 12 ',
	'+5',
	'٣',
] as const

export const DATE_LIKE = [
	'2026-02-30',
	'2026-13-01',
	'2026-00-10',
	'99999-01-01',
	'0000-00-00',
	'1989-12-31',
	'2101-01-01',
	'2026/01/01',
	'2026-1-1',
	'20260101',
	'tomorrow',
	'2026-01-01T00:00:00Z',
	'２０２６-０１-０１',
	'garbage',
] as const

/** Characters that break naive handling: CJK, emoji (incl. ZWJ sequences), RTL, combining marks, controls, lone surrogates. */
export const UNICODE_PIECES = [
	'帮扶',
	'乡村振兴',
	'𠀋𡈽',
	'😀',
	'👨‍👩‍👧‍👦',
	'🇨🇳',
	'مرحبا',
	'שלום',
	'\u202e',
	'\u200f',
	'e\u0301',
	'Z̷̧͠a̶l̸g̵o̷',
	'\u0000',
	'\u0007',
	'\u001b[31m',
	'\u0085',
	'\u2028',
	'\ud800',
	'\udfff',
	'\ufeff',
	'\u200b',
	'\u3000',
	'\u00a0',
	'\r\n',
	'\t',
] as const

const WHITESPACE = [' ', '\t', '\n', '\r\n', '\u3000', '\u00a0', '\u2003', '\ufeff'] as const

export const empty = fc.constant('')

export const whitespace = fc.array(fc.constantFrom(...WHITESPACE), { minLength: 1, maxLength: 6 }).map((a) => a.join(''))

/** 10k–200k characters of one repeated piece (cheap to build, heavy to carry). */
export const huge = fc
	.tuple(fc.integer({ min: 10_000, max: 200_000 }), fc.constantFrom('a', '中', '😀', '<', "'", 'x ', '\u0301', '&'))
	.map(([n, piece]) => piece.repeat(Math.ceil(n / piece.length)))

/**
 * A string longer than `max` characters that is not blank, up to 200k. NOTE: zod 4 counts a
 * string's length in code points once it has more UTF-16 units than the limit ('😀' is one).
 */
export function tooLong(max: number) {
	return fc
		.tuple(fc.integer({ min: max + 1, max: Math.max(max + 1, 200_000) }), fc.constantFrom('a', '中', '😀', '<b>', "'"))
		.map(([n, piece]) => piece.repeat(Math.ceil(n / [...piece].length)))
}

export const unicode = fc.array(fc.constantFrom(...UNICODE_PIECES), { minLength: 1, maxLength: 8 }).map((a) => a.join(''))
export const sqlLike = fc.constantFrom(...SQL_LIKE)
export const htmlLike = fc.constantFrom(...HTML_LIKE)
export const numberLike = fc.oneof(fc.constantFrom(...NUMBER_LIKE), fc.double().map(String), fc.integer().map(String))
export const dateLike = fc.oneof(
	fc.constantFrom(...DATE_LIKE),
	fc.tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: -1, max: 14 }), fc.integer({ min: -1, max: 40 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`),
)
/** Random code points, lone surrogates included. */
export const anyCodePoints = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 })

/** One short hostile value (not huge). */
export const hostileShort: fc.Arbitrary<string> = fc.oneof(empty, whitespace, unicode, sqlLike, htmlLike, numberLike, dateLike, anyCodePoints)

/** Any hostile scalar value for a form field. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
	{ weight: 6, arbitrary: hostileShort },
	{ weight: 2, arbitrary: fc.tuple(hostileShort, hostileShort, hostileShort).map((a) => a.join('')) },
	{ weight: 1, arbitrary: huge },
)

/** Text that should be accepted by a required field of `max` characters: non-blank, hostile-looking. */
export function acceptableText(max: number) {
	return fc
		.array(fc.oneof(fc.constantFrom(...UNICODE_PIECES.filter((p) => !/^[\ud800-\udfff]$/.test(p))), sqlLike, htmlLike, fc.constantFrom('标题', 'Title', '<script>alert("帮扶")</script>😀')), {
			minLength: 1,
			maxLength: 6,
		})
		.map((a) => `帮${a.join('')}`.slice(0, max))
}

// ---------------------------------------------------------------------------------------------
// Form bodies: a valid baseline (built at run time: dates relative to today, ids from the test
// world) changed by a list of mutations.

export type FormEntries = Array<[string, string]>
export type Mutation =
	| { op: 'replace'; field: string; value: string }
	| { op: 'missing'; field: string }
	| { op: 'repeat'; field: string; values: string[] }
	| { op: 'extra'; key: string; value: string }

const EXTRA_KEYS = ['__proto__', 'constructor', 'id', 'createdBy', 'status', 'isNationalAdmin', 'role', 'verifiedAt', 'orgId', 'a.b', 'x[0]', 'intent2', '']

export function mutation(fields: readonly string[]): fc.Arbitrary<Mutation> {
	const field = fc.constantFrom(...fields)
	return fc.oneof(
		{ weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), field, value: hostileText }) },
		{ weight: 2, arbitrary: fc.record({ op: fc.constant('missing' as const), field }) },
		{ weight: 2, arbitrary: fc.record({ op: fc.constant('repeat' as const), field, values: fc.array(hostileShort, { minLength: 2, maxLength: 4 }) }) },
		{ weight: 1, arbitrary: fc.record({ op: fc.constant('extra' as const), key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), value: hostileShort }) },
	)
}

export function mutations(fields: readonly string[]) {
	return fc.array(mutation(fields), { minLength: 0, maxLength: 4 })
}

/** Applies mutations to a baseline (arrays in the baseline repeat their key). */
export function applyMutations(baseline: Record<string, string | string[]>, list: Mutation[]): FormEntries {
	const map = new Map<string, string[]>(Object.entries(baseline).map(([k, v]) => [k, Array.isArray(v) ? [...v] : [v]]))
	const extras: FormEntries = []
	for (const m of list) {
		if (m.op === 'replace') map.set(m.field, [m.value])
		else if (m.op === 'missing') map.delete(m.field)
		else if (m.op === 'repeat') map.set(m.field, [...(map.get(m.field) ?? []), ...m.values])
		else extras.push([m.key, m.value])
	}
	const out: FormEntries = []
	for (const [k, vs] of map) for (const v of vs) out.push([k, v])
	return [...out, ...extras]
}

// ---------------------------------------------------------------------------------------------
// JSON values for API bodies.

export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 4, arbitrary: hostileText },
	{ weight: 2, arbitrary: fc.constantFrom(-1, 0, 1.5, -0.01, 1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 1e21, 100_000_000_000_001) },
	{ weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [1, 2], ['industry', 1], { $gt: '' }, { toString: 'x' }) },
	{ weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
	{ weight: 1, arbitrary: fc.array(hostileShort, { maxLength: 5 }) },
	{ weight: 1, arbitrary: fc.letrec((tie) => ({ node: fc.oneof({ depthSize: 'small' }, fc.constant(1), fc.array(tie('node'), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), tie('node'), { maxKeys: 2 })) })).node },
)

export type JsonMutation =
	| { op: 'replace'; field: string; value: unknown }
	| { op: 'missing'; field: string }
	| { op: 'extra'; key: string; value: unknown }

export function jsonMutations(fields: readonly string[]) {
	const field = fields.length ? fc.constantFrom(...fields) : fc.constant('x')
	return fc.array(
		fc.oneof(
			{ weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), field, value: hostileJson }) },
			{ weight: 2, arbitrary: fc.record({ op: fc.constant('missing' as const), field }) },
			{ weight: 1, arbitrary: fc.record({ op: fc.constant('extra' as const), key: fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 12 })), value: hostileJson }) },
		),
		{ minLength: 0, maxLength: 4 },
	)
}

export function applyJsonMutations(baseline: Record<string, unknown>, list: JsonMutation[]): Record<string, unknown> {
	const out: Record<string, unknown> = { ...baseline }
	for (const m of list) {
		if (m.op === 'replace') out[m.field] = m.value
		else if (m.op === 'missing') delete out[m.field]
		else Object.defineProperty(out, m.key, { value: m.value, enumerable: true, configurable: true, writable: true })
	}
	return out
}

/** Raw bodies that are not the JSON object an endpoint wants. */
export const rawNotJson = fc.oneof(
	fc.constantFrom('{', '{"title":', "{'title':'x'}", '[1,2', 'NaN', 'undefined', '<html><body>', "' OR 1=1 --", 'title=x&measure=amount', '\u0000', '\ufeff{}', '{"a":1}{"b":2}'),
	hostileShort,
	fc.constantFrom('[]', '"x"', '1', 'null', 'true', '[{}]', '{"__proto__":{"isNationalAdmin":true}}', '{"title":"a","title":"b"}'),
)
