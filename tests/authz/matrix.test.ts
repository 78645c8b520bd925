// Issue #8 item 1: the authorization matrix. Every action route × intent (routes.ts, rows.ts) ×
// every role (rows.ts ROLES) has an expected allow, deny or n/a; every deny is shown to write
// nothing (a fingerprint of every table, before and after); every allow is shown to do its thing.
// Each case starts from the same frozen world (world.ts). API endpoints: api-coverage.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENDPOINTS } from '#app/api/registry.server.ts'
import { runRoute } from '#tests/setup/route.ts'
import { API_COVERAGE } from './api-coverage.ts'
import { changedTables, closeWorld, fingerprint, freeze, liveDb, openWorld, post, restore } from './harness.ts'
import { ROUTES_ELSEWHERE, ROUTE_INTENTS, scanActionRoutes, scanIntents } from './routes.ts'
import { ROLES, ROLE_ACCOUNT, ROWS, type Role, type Row, type Who } from './rows.ts'
import { createApiToken } from '#app/models/api-token.server.ts'
import { loader as apiLoader } from '#app/routes/api.v1.$.ts'
import { COUNTY_A, type World, buildWorld } from './world.ts'

const ROOT = path.resolve(import.meta.dirname, '../..')
const tally = { allow: 0, deny: 0, na: 0, controls: 0 }
let apiCovered = 0
let routeFiles = 0

afterAll(() => {
	const cases = tally.allow + tally.deny + tally.na
	console.log(
		`[authz] ${ROWS.length} action routes/intents (${routeFiles} route files) × ${ROLES.length} roles = ${cases} cases (${tally.deny} deny, ${tally.allow} allow, ${tally.na} n/a) + ${tally.controls} rightful-actor controls; API: ${apiCovered} endpoints covered by token matrices`,
	)
})

describe('enumeration', () => {
	it('has a table entry for every route file with an action, and every intent its code handles', async () => {
		const files = scanActionRoutes()
		routeFiles = files.filter((f) => !(f in ROUTES_ELSEWHERE)).length
		const missing = files.filter((f) => !(f in ROUTE_INTENTS) && !(f in ROUTES_ELSEWHERE))
		expect(missing, 'route files with an action but no entry in tests/authz/routes.ts').toEqual([])
		const stale = Object.keys(ROUTE_INTENTS).filter((f) => !files.includes(f))
		expect(stale, 'entries in routes.ts for files that have no action (any more)').toEqual([])
		const unlisted: string[] = []
		for (const f of Object.keys(ROUTE_INTENTS)) for (const intent of await scanIntents(f)) if (!ROUTE_INTENTS[f].includes(intent)) unlisted.push(`${f} ${intent}`)
		expect(unlisted, 'intents found in the route code but missing from routes.ts').toEqual([])
	})

	it('has exactly one matrix row for every (route, intent) in the table', () => {
		const table = Object.entries(ROUTE_INTENTS).flatMap(([f, intents]) => intents.map((i) => `${f} ${i}`))
		const rows = ROWS.map((r) => `${r.file} ${r.intent}`)
		expect(table.filter((k) => !rows.includes(k)), 'table entries without a row in rows.ts').toEqual([])
		expect(rows.filter((k) => !table.includes(k)), 'rows not in the table').toEqual([])
		expect(rows.filter((k, i) => rows.indexOf(k) !== i), 'duplicate rows').toEqual([])
	})

	it('points every API endpoint at the token matrix that covers it', () => {
		const ops = ENDPOINTS.map((e) => e.operationId)
		expect(ops.filter((op) => !(op in API_COVERAGE)), 'endpoints without an entry in tests/authz/api-coverage.ts').toEqual([])
		expect(Object.keys(API_COVERAGE).filter((op) => !ops.includes(op)), 'api-coverage entries for endpoints that no longer exist').toEqual([])
		for (const [op, c] of Object.entries(API_COVERAGE)) {
			const text = fs.readFileSync(path.join(ROOT, c.file), 'utf8')
			expect(text.includes(c.marker), `${op}: "${c.marker}" not found in ${c.file}`).toBe(true)
		}
		apiCovered = ops.length
	})
})

// ---------------------------------------------------------------------------------------------

let w: World
let uploadDir: string
let previousUploadDir: string | undefined

type Outcome = { status: number; location: string | null; thrown: boolean; text: string; changed: string[]; error?: string }

function accountOf(row: Row, who: Who): string | null {
	if (who === 'owner') return row.owner
	if (who === 'plainMember') return row.as?.plainMember ?? row.member ?? null
	return row.as?.[who] ?? ROLE_ACCOUNT[who]
}

async function run(row: Row, who: Who): Promise<Outcome> {
	restore()
	const key = accountOf(row, who)
	const req = await row.req(w, who)
	const request = post(key ? w.cookies[key as keyof typeof w.cookies] : null, req.url, req.form, { multipart: req.multipart, files: req.files })
	const before = fingerprint()
	try {
		const res = await runRoute(row.action as never, request, req.params ?? {})
		return { status: res.status, location: res.location, thrown: res.thrown, text: JSON.stringify(res.data ?? null), changed: changedTables(before, fingerprint()) }
	} catch (error) {
		return { status: 0, location: null, thrown: true, text: '', changed: changedTables(before, fingerprint()), error: String(error instanceof Error ? (error.stack ?? error.message) : error) }
	}
}

const isLogin = (o: Outcome) => o.status === 302 && (o.location ?? '').startsWith('/login?redirectTo=')
/** A refusal the route states: an AppError message in the reply, or a thrown 403/404 page. */
const REFUSAL = /(errors|commendation\.errors|supervision\.errors)\.[a-z_.]*(admin_only|forbidden|not_found|outside|not_org|not_verified|not_village|national_admin|not_organizer|not_official|not_provider|not_nominator|own_village|_level|cannot|not_member|not_owner|suspended|not_admin|org_required|not_eligible|not_in_)/

function succeeded(o: Outcome): boolean {
	if (o.error || isLogin(o)) return false
	if (o.status !== 200 && o.status !== 302) return false
	return !/"status":"error"|"error":"[^"]|"errors":\{"/.test(o.text)
}

function describeOutcome(o: Outcome) {
	const at = o.text.search(/"error(s)?":\{|"message":|"problems":/)
	return `${o.status}${o.location ? ` → ${o.location}` : ''}${o.thrown ? ' (thrown)' : ''} ${(at > 0 ? o.text.slice(at) : o.text).slice(0, 300)}${o.changed.length ? ` wrote: ${o.changed.join(',')}` : ''}${o.error ? ` ERROR ${o.error.slice(0, 400)}` : ''}`
}

async function verdict(row: Row, who: Who, expected: 'allow' | 'deny'): Promise<string | null> {
	const o = await run(row, who)
	if (process.env.AUTHZ_VERBOSE) console.log(`[authz] ${row.file} ${row.intent} ${who}: ${describeOutcome(o)}`)
	if (expected === 'allow') {
		if (!succeeded(o)) return `expected allow, got ${describeOutcome(o)}`
		try {
			await row.check(w, who, accountOf(row, who) ? w.ids[accountOf(row, who) as keyof typeof w.ids] : null)
		} catch (error) {
			return `allowed, but the change is not there: ${(error as Error).message.split('\n')[0]} — ${describeOutcome(o)}`
		}
		return null
	}
	if (o.changed.length) return `DENY WROTE ${o.changed.join(', ')}: ${describeOutcome(o)}`
	if (who === 'anonymous') return isLogin(o) ? null : `expected the login redirect, got ${describeOutcome(o)}`
	const special = row.refusal?.[who as Role]
	if (special) {
		if (o.status !== special.status) return `expected refusal ${special.status}, got ${describeOutcome(o)}`
		if (special.message && !special.message.test(o.text)) return `expected refusal ${special.message}, got ${describeOutcome(o)}`
		return null
	}
	if (o.status !== 403 && o.status !== 404) return `expected 403/404, got ${describeOutcome(o)}`
	if (!(o.thrown && /"message":"(errors\.)?[a-z_.]+"|^null$/.test(o.text)) && !REFUSAL.test(o.text)) return `refused without a stated reason: ${describeOutcome(o)}`
	return null
}

describe('authorization matrix', () => {
	beforeAll(async () => {
		uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-authz-'))
		previousUploadDir = process.env.UPLOAD_DIR
		process.env.UPLOAD_DIR = uploadDir
		const live = await openWorld()
		w = await buildWorld(live.db)
		freeze()
	}, 120_000)

	afterAll(() => {
		closeWorld()
		if (previousUploadDir === undefined) delete process.env.UPLOAD_DIR
		else process.env.UPLOAD_DIR = previousUploadDir
		fs.rmSync(uploadDir, { recursive: true, force: true })
	})

	// The one endpoint no API test called (see api-coverage.ts): public region facts, any token.
	it('GET /api/v1/regions/{code}/children: 401 without a token, 200 with one', async () => {
		restore()
		const token = (await createApiToken(liveDb(), w.ids.p2Owner, { name: 'authz', scope: 'read', expiresInDays: 1 })).token
		const call = (auth: string | null) =>
			apiLoader({ request: new Request(`http://localhost/api/v1${`/regions/${COUNTY_A}/children`}`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} }), params: {}, context: {} }) as Promise<Response>
		expect((await call(null)).status).toBe(401)
		const ok = await call(token)
		expect(ok.status).toBe(200)
		expect(JSON.stringify(await ok.json())).toContain('513431100000')
	})

	for (const row of ROWS) {
		it(`${row.file} [${row.intent}]`, async () => {
			const problems: string[] = []
			const control = await verdict(row, 'owner', 'allow')
			tally.controls++
			if (control) problems.push(`rightful actor (${row.owner}): ${control}`)
			for (const role of ROLES) {
				if (row.na?.[role]) {
					tally.na++
					continue
				}
				const expected = row.allow?.includes(role) ? 'allow' : 'deny'
				tally[expected]++
				const problem = await verdict(row, role, expected)
				if (problem) problems.push(`${role} (${accountOf(row, role) ?? 'no session'}): ${problem}`)
			}
			expect(problems, problems.join('\n')).toEqual([])
			// Sanity: the world is intact for the next row (restore runs before every case anyway).
			expect(liveDb()).toBeTruthy()
		})
	}
})
