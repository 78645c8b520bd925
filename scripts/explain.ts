// npm run db:explain        (DATABASE_URL as usual; best on a database filled by the scale data)
// Runs the key read paths through the real model functions with a query log, then asks the
// database for the plan of every statement they sent (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on
// MySQL) and flags full scans of the need, offer and commitment tables, and statements that took
// over 50 ms (a plan can read too much without a scan: SQLite once read every public need from a
// status index for a page of 20 cards). Prints; exits 1 when a full scan is found, so it can gate a
// check (it asserts nothing else; slow statements are reported, not failed: a province's first
// dashboard legitimately sums thousands of rows).
import type { CompiledQuery, LogEvent } from 'kysely'
import { computeIndicators, monthlyVerified, regionRanking } from '#app/models/indicator.server.ts'
import { contributionLeaderboard, listHonors } from '#app/models/commendation/honors.server.ts'
import { getNeed } from '#app/models/need.server.ts'
import { listNeedsByIds, listOffersByIds } from '#app/models/browse.server.ts'
import { type Actor, loadActor } from '#app/models/policy.server.ts'
import { suggestOffersForNeed } from '#app/models/suggestion.server.ts'
import { listOverdueCommitments, listStaleNeeds } from '#app/models/supervision.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { createDb, dialectOf } from '#app/utils/db.server.ts'
import { getEnv } from '#app/utils/env.server.ts'

const WATCHED = ['need', 'offer', 'commitment']

const url = getEnv().databaseUrl
const dialect = dialectOf(url)
const captured: Array<{ path: string; query: CompiledQuery; ms: number }> = []
/** A statement slower than this is marked SLOW: a plan can read too much without scanning a table. */
const SLOW_MS = 50
let path = ''
// The app's own handle, with a log that keeps every select of the current path.
const base = createDb(url, {
	log: (event: LogEvent) => {
		if (event.level === 'query' && /^\s*select/i.test(event.query.sql)) captured.push({ path, query: event.query, ms: event.queryDurationMillis })
	},
})
const db = base.db

async function run(name: string, fn: () => Promise<unknown>) {
	path = name
	try {
		await fn()
	} catch (error) {
		console.log(`  (${name}: ${(error as Error).message})`)
	}
}

type Plan = { detail: string; flagged: boolean }

async function explain(query: CompiledQuery): Promise<Plan[]> {
	if (dialect === 'mysql') {
		const rows = (await base.db.executeQuery({ ...query, sql: `EXPLAIN ${query.sql}` } as CompiledQuery)).rows as Array<Record<string, unknown>>
		return rows.map((r) => {
			const table = String(r.table ?? '')
			const type = String(r.type ?? '')
			return { detail: `${table} type=${type} key=${r.key ?? '—'} rows=${r.rows ?? '?'}`, flagged: WATCHED.includes(table.replace(/`/g, '')) && type === 'ALL' }
		})
	}
	// SQLite names a table by its alias in plans: map `"commitment" as "c"` back.
	const aliases = new Map<string, string>(WATCHED.map((t) => [t, t]))
	for (const m of query.sql.matchAll(/"(\w+)" as "(\w+)"/g)) if (WATCHED.includes(m[1])) aliases.set(m[2], m[1])
	const rows = (await base.db.executeQuery({ ...query, sql: `EXPLAIN QUERY PLAN ${query.sql}` } as CompiledQuery)).rows as Array<{ detail: string }>
	return rows.map((r) => {
		// "SCAN need" reads every row; "SCAN need USING COVERING INDEX …" reads a whole index: both flagged.
		const m = /^SCAN (\w+)/.exec(r.detail)
		return { detail: r.detail, flagged: !!m && aliases.has(m[1]) }
	})
}

try {
	console.log(`db:explain on ${dialect}`)
	const year = chinaYearOf(Date.now())
	const official = await db
		.selectFrom('membership')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select('membership.accountId')
		.where('organization.kind', '=', 'government')
		.where('organization.status', '=', 'verified')
		.orderBy('organization.regionCode', 'desc')
		.executeTakeFirst()
	const actor: Actor | undefined = official ? await loadActor(db, official.accountId) : undefined
	const county = actor?.memberships.find((m) => m.kind === 'government')?.regionCode ?? '520425000000'
	const need = await db.selectFrom('need').select('id').where('status', '=', 'published').orderBy('id', 'desc').executeTakeFirst()
	const needIds = (await db.selectFrom('need').select('id').where('status', '=', 'published').orderBy('id', 'desc').limit(20).execute()).map((r) => r.id)
	const offerIds = (await db.selectFrom('offer').select('id').where('status', '=', 'active').orderBy('id', 'desc').limit(20).execute()).map((r) => r.id)
	captured.length = 0

	await run('needs browse page (cards)', () => listNeedsByIds(db, needIds))
	await run('offers browse page (cards)', () => listOffersByIds(db, offerIds))
	if (need) await run('need detail', () => getNeed(db, need.id, actor ?? null))
	if (need) await run('suggestions for a need', () => suggestOffersForNeed(db, need.id, { engine: null }))
	await run(`dashboard indicators (${county})`, () => computeIndicators(db, { regionCode: county }, { year }))
	await run('dashboard monthly trend', () => monthlyVerified(db, { regionCode: county }, year))
	await run('dashboard ranking', () => regionRanking(db, county, [], { year }))
	await run('honor roll', () => listHonors(db, {}))
	await run('contribution leaderboard', () => contributionLeaderboard(db, { year } as Parameters<typeof contributionLeaderboard>[1]))
	if (actor) await run('supervision: overdue', () => listOverdueCommitments(db, actor, {}))
	if (actor) await run('supervision: stale needs', () => listStaleNeeds(db, actor, {}))

	let flagged = 0
	let slow = 0
	let current = ''
	for (const { path: p, query, ms } of captured) {
		if (p !== current) {
			console.log(`\n## ${p}`)
			current = p
		}
		const plans = await explain(query)
		const bad = plans.filter((x) => x.flagged)
		flagged += bad.length
		if (ms > SLOW_MS) slow++
		console.log(`${bad.length ? '!! FULL SCAN' : ms > SLOW_MS ? ' ! SLOW    ' : '   ok'}  ${ms.toFixed(1).padStart(7)} ms  ${query.sql.replace(/\s+/g, ' ').slice(0, 140)}`)
		for (const plan of plans) console.log(`        ${plan.flagged ? '!!' : '  '} ${plan.detail}`)
	}
	console.log(`\n${captured.length} statements explained; ${flagged} full scans of ${WATCHED.join(', ')}; ${slow} took over ${SLOW_MS} ms (timed as the model ran them, once, cold)`)
	if (flagged) process.exitCode = 1
} finally {
	await base.destroy()
}
