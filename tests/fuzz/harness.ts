// Plumbing shared by the fuzz suites: a checksum of the database, signed-in requests without a new
// session per case, the error shape of each kind of route, and the running tally the suites print.
import { createHash } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import { expect } from 'vitest'
import type { DB } from '#db/schema.ts'
import { createLoginSession } from '#app/utils/auth.server.ts'
import { runRoute, type RouteResult } from '#tests/setup/route.ts'
import type { FormEntries } from './hostile.ts'

// Bookkeeping that a request may write whatever its body holds: sessions (sliding expiry), login
// throttle rows, the API's rate counter. Everything else must stay as it was after a refusal.
const IGNORED_TABLES = new Set<keyof DB>(['session', 'loginAttempt', 'apiRate'])
const IGNORED_COLUMNS: Partial<Record<keyof DB, string[]>> = { apiToken: ['lastUsedAt'] }

const TABLES: Array<keyof DB> = [
	'region', 'account', 'session', 'loginAttempt', 'organization', 'membership', 'pairing', 'event', 'need', 'offer', 'offerCategory', 'offerRegion',
	'project', 'projectVillage', 'projectUpdate', 'upload', 'searchOutbox', 'commitment', 'commitmentMilestone', 'commitmentUpdate', 'commitmentFeedback',
	'notification', 'indicatorTarget', 'appraisal', 'workReport', 'workReportCase', 'interview', 'interviewFollowUp', 'accountabilityRecord',
	'accountabilityCommitment', 'campaign', 'campaignCategory', 'nomination', 'nominationReview', 'objection', 'award', 'apiToken', 'apiIdempotency', 'apiRate',
]

export type Snapshot = Record<string, { rows: number; sum?: string }>

/**
 * Tables whose rows are updated in place (statuses, texts, counters): these get a content checksum
 * as well as a row count. Every other table is insert-only for the app, so its count shows a write.
 */
export const CHECKSUM_TABLES: Array<keyof DB> = [
	'account', 'organization', 'membership', 'need', 'offer', 'project', 'commitment', 'commitmentMilestone', 'commitmentFeedback',
	'indicatorTarget', 'workReport', 'workReportCase', 'appraisal', 'interview', 'accountabilityRecord', 'campaign', 'apiToken', 'apiIdempotency', 'notification',
]

const snake = (t: string) => t.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const COUNT_SQL = `select ${TABLES.filter((t) => !IGNORED_TABLES.has(t))
	.map((t) => `(select count(*) from ${snake(t)}) as ${snake(t)}`)
	.join(', ')}`

/** Row counts of every table the app writes (bookkeeping left out) and checksums of CHECKSUM_TABLES. */
export async function snapshot(db: Kysely<DB>): Promise<Snapshot> {
	const out: Snapshot = {}
	// NOTE: raw SQL, so snake_case names; CamelCasePlugin maps the result keys back to camelCase.
	const counts = (await sql.raw<Record<string, number>>(COUNT_SQL).execute(db)).rows[0]
	for (const [k, v] of Object.entries(counts)) out[k] = { rows: Number(v) }
	for (const table of CHECKSUM_TABLES) {
		const rows = (await db.selectFrom(table as 'need').selectAll().execute()) as Array<Record<string, unknown>>
		const drop = IGNORED_COLUMNS[table] ?? []
		const hash = createHash('sha256')
		for (const line of rows.map((r) => JSON.stringify(Object.entries(r).filter(([k]) => !drop.includes(k)), (_k, v) => (typeof v === 'bigint' ? String(v) : v))).sort()) hash.update(line).update('\n')
		out[table] = { rows: rows.length, sum: hash.digest('hex').slice(0, 16) }
	}
	return out
}

export function changedTables(before: Snapshot, after: Snapshot): string[] {
	return Object.keys(after).filter((t) => before[t]?.rows !== after[t].rows || before[t]?.sum !== after[t].sum)
}

// ---------------------------------------------------------------------------------------------
// Requests

const cookies = new Map<string, string>()

/** The session cookie of `accountId` (one session per account, made once). */
export async function cookieFor(accountId: string): Promise<string> {
	let c = cookies.get(accountId)
	if (!c) {
		c = (await createLoginSession(accountId, new Request('http://localhost/'))).split(';')[0]
		cookies.set(accountId, c)
	}
	return c
}

export type Encoding = 'urlencoded' | 'multipart'

/** A form POST with the entries in order (repeated keys kept), signed in as `accountId` (null: anonymous). */
export async function formRequest(accountId: string | null, url: string, entries: FormEntries, encoding: Encoding): Promise<Request> {
	const headers = new Headers()
	if (accountId) headers.set('cookie', await cookieFor(accountId))
	let body: URLSearchParams | FormData
	if (encoding === 'multipart') {
		body = new FormData()
		for (const [k, v] of entries) body.append(k, v)
	} else {
		body = new URLSearchParams()
		for (const [k, v] of entries) body.append(k, v)
		headers.set('content-type', 'application/x-www-form-urlencoded')
	}
	return new Request(new URL(url, 'http://localhost'), { method: 'POST', headers, body })
}

type ActionFn = Parameters<typeof runRoute>[0]

/** Runs an action; a non-Response error escaping it is a server error (the 500 page). */
export async function runAction(fn: ActionFn, request: Request, params: Record<string, string> = {}): Promise<RouteResult> {
	try {
		return await runRoute(fn, request, params)
	} catch (error) {
		tally.serverErrors++
		throw new Error(`unhandled ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} (would be a 500)`, { cause: error })
	}
}

/**
 * The errors an action's answer carries, by field: conform's `result.error` ('' = form-level),
 * the report page's `errors`, or a page's single `error` message. Undefined when there are none.
 */
export function errorsOf(data: unknown): Record<string, unknown> | undefined {
	if (!data || typeof data !== 'object') return undefined
	const d = data as { result?: { status?: string; error?: Record<string, unknown> | null } | null; errors?: Record<string, unknown>; error?: unknown }
	const out: Record<string, unknown> = {}
	if (d.result && d.result.error) for (const [k, v] of Object.entries(d.result.error)) if (v !== null && v !== undefined && (!Array.isArray(v) || v.length)) out[k] = v
	if (d.errors && typeof d.errors === 'object') Object.assign(out, d.errors)
	if (typeof d.error === 'string' && d.error) out[''] = [d.error]
	return Object.keys(out).length ? out : undefined
}

export function fieldNames(errors: Record<string, unknown> | undefined): string[] {
	return Object.keys(errors ?? {}).filter((k) => k !== '' && k !== 'form')
}

/** Expect text to be stored as sent: what a browser's UTF-8 encoding keeps (lone surrogates become U+FFFD), trimmed. */
export function asStored(sent: string, options: { unixNewlines?: boolean; trim?: boolean } = {}): string {
	let v = sent.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
	if (options.unixNewlines) v = v.replace(/\r\n?/g, '\n')
	return options.trim === false ? v : v.trim()
}

export function expectSame(label: string, actual: unknown, expected: unknown) {
	if (actual !== expected) {
		const show = (v: unknown) => (typeof v === 'string' ? `${JSON.stringify(v.slice(0, 120))} (${v.length} chars)` : String(v))
		expect.fail(`${label}: stored ${show(actual)}, sent ${show(expected)}`)
	}
}

// ---------------------------------------------------------------------------------------------
// The figure

export const tally = { cases: 0, accepted: 0, refused: 0, serverErrors: 0, targets: new Set<string>() }

export function count(target: string, accepted: boolean) {
	tally.cases++
	tally.targets.add(target)
	if (accepted) tally.accepted++
	else tally.refused++
}

export const fmt = (n: number) => n.toLocaleString('en-US')

/** Short text for a value in a failure report (huge strings are summarised). */
export function brief(value: unknown, max = 160): string {
	const s = JSON.stringify(value, (_k, v) => (typeof v === 'string' && v.length > max ? `${v.slice(0, 40)}…(${v.length} chars)…${v.slice(-20)}` : v))
	return s && s.length > 4 * max ? `${s.slice(0, 4 * max)}…` : String(s)
}

/**
 * fast-check options for a property: the fixed seed, and a failure report that shows the seed,
 * the replay path and a readable counterexample (a 200k-character value is not printed whole).
 */
export function fcOptions(seed: number, numRuns: number) {
	return {
		seed,
		numRuns,
		endOnFailure: true,
		reporter: (out: { failed: boolean; seed: number; counterexamplePath: string | null; counterexample: unknown; errorInstance: unknown; numRuns: number }) => {
			if (!out.failed) return
			const cause = out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)
			throw new Error(`property failed after ${out.numRuns} runs (seed ${out.seed}, path "${out.counterexamplePath}")\ncounterexample: ${brief(out.counterexample)}\n${cause.slice(0, 1500)}`)
		},
	}
}
