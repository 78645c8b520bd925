// Fuzzing the rest of the form actions: every (route file, intent) of the authorization matrix
// (tests/authz/routes.ts, rows.ts) that forms.test.ts does not fuzz. Each case starts from the
// matrix's frozen world (tests/authz/world.ts, restored before every case, so state transitions
// can be fuzzed from their valid starting state), takes the row's realistic form for its rightful
// actor, applies hostile mutations (tests/fuzz/hostile.ts) and posts it. Properties, as in
// forms.test.ts:
//   - never a 500: the action returns or throws a Response, nothing else escapes;
//   - a refusal says why (field errors, a form-level error, or a thrown 4xx page with a message)
//     and leaves every table as it was (the matrix's fingerprint of all tables).
// Also checks that forms.test.ts + this file fuzz every intent of tests/authz/routes.ts (EXEMPT
// lists the ones that cannot be, with the reason). FUZZ_SEED / FUZZ_RUNS as in forms.test.ts.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runRoute } from '#tests/setup/route.ts'
import { changedTables as changedFingerprint, closeWorld, type FileField, fingerprint, freeze, openWorld, restore } from '../authz/harness.ts'
import { ROUTE_INTENTS } from '../authz/routes.ts'
import { ROWS, type Row } from '../authz/rows.ts'
import { type World, buildWorld } from '../authz/world.ts'
import { errorsOf, fcOptions, fieldNames, fmt } from './harness.ts'
import { FUZZ_SEED, type FormEntries, applyMutations, mutations, seedFor } from './hostile.ts'

const SCALE = Number(process.env.FUZZ_RUNS ?? 1)
const RUNS = Math.max(1, Math.round(30 * SCALE))

/** What forms.test.ts fuzzes: its spec names, by (route file, intent). Checked against its source. */
const FORMS_TEST: Record<string, string> = {
	'signup.tsx post': 'signup',
	'login.tsx post': 'login',
	'orgs.new.tsx post': 'orgs.new',
	'needs.new.tsx save': 'needs.new',
	'needs.$needId_.edit.tsx save': 'needs.$id.edit',
	'offers.new.tsx save': 'offers.new',
	'projects.new.tsx save': 'projects.new',
	'commitments.new.tsx post': 'commitments.new',
	'settings.tsx password': 'settings[password]',
	'settings.tsx create-token': 'settings[create-token]',
	'settings.tsx revoke-token': 'settings[revoke-token]',
	'supervision.interviews._index.tsx post': 'supervision.interviews',
	'supervision.accountability._index.tsx post': 'supervision.accountability',
	'commendations.new.tsx post': 'commendations.new',
	'dashboard._index.tsx set-target': 'dashboard[',
	'dashboard._index.tsx clear-target': 'dashboard[',
	'reports.$subjectType.$subjectId.tsx post': 'reports.$type.$id',
	'appraisals.$subjectType.$subjectId.tsx post': 'appraisals.$type.$id',
	...Object.fromEntries(ROUTE_INTENTS['commitments.$commitmentId.tsx'].map((i) => [`commitments.$commitmentId.tsx ${i}`, 'commitments.$id['])),
}

/** Intents neither suite fuzzes, with the reason. */
const EXEMPT: Record<string, string> = {}

/**
 * Intents whose 400 may be form-level only: every field is hidden (a signed payload, a row's id on
 * a button), so there is no field for the user to correct; the refusal must still say why.
 */
const FORM_LEVEL_400: Record<string, string> = {
	'needs.import.tsx commit': 'signed hidden payload from the preview: a tampered one is import.errors.stale',
	'inbox.tsx mark-read': "a button with the notification's hidden id: notification.inbox.invalid",
}

// Bookkeeping a request may write whatever its body holds (as in harness.ts IGNORED_TABLES).
const IGNORED = new Set(['session', 'login_attempt', 'api_rate'])
const changedTables = (a: Record<string, string>, b: Record<string, string>) => changedFingerprint(a, b).filter((t) => !IGNORED.has(t))

const key = (r: Row) => `${r.file} ${r.intent}`
const TARGETS = ROWS.filter((r) => !(key(r) in FORMS_TEST) && !(key(r) in EXEMPT))

const tally = { cases: 0, accepted: 0, refused: 0, serverErrors: 0, routes: new Set<string>(), intents: new Set<string>() }

let w: World
let uploadDir: string
let previousUploadDir: string | undefined

beforeAll(async () => {
	uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bangfu-fuzz-'))
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
	console.log(
		`[fuzz] more forms: ${tally.routes.size} routes / ${tally.intents.size} intents, ${fmt(tally.cases)} cases (${fmt(tally.accepted)} accepted, ${fmt(tally.refused)} refused); ${tally.serverErrors} server errors; seed ${FUZZ_SEED}`,
	)
})

function request(cookie: string, url: string, entries: FormEntries, files: FileField[], multipart: boolean): Request {
	const headers = new Headers({ cookie })
	const href = new URL(url, 'http://localhost').toString()
	if (multipart || files.length) {
		const body = new FormData()
		for (const [k, v] of entries) body.append(k, v)
		for (const f of files) body.append(f.field, new File([new Uint8Array(f.bytes)], f.name, { type: f.type }))
		return new Request(href, { method: 'POST', headers, body })
	}
	const body = new URLSearchParams()
	for (const [k, v] of entries) body.append(k, v)
	headers.set('content-type', 'application/x-www-form-urlencoded')
	return new Request(href, { method: 'POST', headers, body })
}

const asBaseline = (form: Record<string, string | number | string[]>) =>
	Object.fromEntries(Object.entries(form).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)])) as Record<string, string | string[]>

async function check(row: Row, list: Parameters<typeof applyMutations>[1], multipart: boolean) {
	restore()
	const req = await row.req(w, 'owner')
	const entries = applyMutations(asBaseline(req.form), list)
	const name = `${row.file} [${row.intent}]`
	const before = fingerprint()
	let res: Awaited<ReturnType<typeof runRoute>>
	try {
		res = await runRoute(row.action as never, request(w.cookies[row.owner], req.url, entries, req.files ?? [], multipart || !!req.multipart), req.params ?? {})
	} catch (error) {
		tally.serverErrors++
		throw new Error(`${name}: unhandled ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} (would be a 500)`, { cause: error })
	}
	const changed = changedTables(before, fingerprint())
	tally.cases++
	tally.routes.add(row.file)
	tally.intents.add(key(row))
	if (res.status >= 500) tally.serverErrors++
	expect(res.status, `${name} answered ${res.status}`).toBeLessThan(500)
	expect(res.location ?? '', `${name}: the rightful actor is signed in`).not.toMatch(/^\/login/)
	const message = (res.data as { message?: unknown } | null)?.message
	const errors = errorsOf(res.data) ?? (res.status >= 400 && typeof message === 'string' && message ? { '': [message] } : undefined)
	const accepted = res.status < 400 && !errors
	if (accepted) {
		tally.accepted++
		return
	}
	tally.refused++
	expect(changed, `${name} wrote on a refusal (${res.status} ${JSON.stringify(errors)?.slice(0, 200)})`).toEqual([])
	// A thrown 403/404 page without a body is the route's not-found/forbidden answer (e.g. a mangled id).
	if (!(res.thrown && (res.status === 403 || res.status === 404))) expect(errors, `${name} refused (${res.status}) without saying why`).toBeDefined()
	// A returned 400 names the field at fault, unless the body's intent itself was changed (an unknown intent is form-level).
	if (res.status === 400 && !res.thrown && !(key(row) in FORM_LEVEL_400) && entries.filter(([k]) => k === 'intent').map(([, v]) => v).join('\n') === String(req.form.intent ?? '')) {
		expect(fieldNames(errors), `${name}: a 400 names no field: ${JSON.stringify(errors)?.slice(0, 200)} body ${JSON.stringify(entries).slice(0, 300)}`).not.toEqual([])
	}
	return { status: res.status, errors, fields: fieldNames(errors) }
}

describe('fuzz: more form actions', () => {
	for (const row of TARGETS) {
		it(`${row.file} [${row.intent}]: hostile bodies from the rightful actor are answered (never a 500); refusals say why and write nothing`, async () => {
			const fields = [...new Set(['intent', ...Object.keys((await row.req(w, 'owner')).form)])]
			await fc.assert(
				fc.asyncProperty(mutations(fields), fc.boolean(), async (list, multipart) => {
					await check(row, list, multipart)
				}),
				fcOptions(seedFor(`more:${key(row)}`), RUNS),
			)
		}, 60_000)
	}

	it('forms.test.ts and this file together fuzz every action intent of tests/authz/routes.ts', () => {
		const source = fs.readFileSync(path.join(import.meta.dirname, 'forms.test.ts'), 'utf8')
		const stale = Object.entries(FORMS_TEST).filter(([, spec]) => !source.includes(`'${spec}`) && !source.includes(`\`${spec}`))
		expect(stale, 'FORMS_TEST names specs forms.test.ts does not have').toEqual([])
		const table = Object.entries(ROUTE_INTENTS).flatMap(([f, intents]) => intents.map((i) => `${f} ${i}`))
		const fuzzed = new Set([...Object.keys(FORMS_TEST), ...TARGETS.map(key)])
		expect(table.filter((k) => !fuzzed.has(k) && !(k in EXEMPT)), 'action intents no fuzz suite covers (add a spec, or an EXEMPT entry with the reason)').toEqual([])
		expect([...fuzzed, ...Object.keys(EXEMPT)].filter((k) => !table.includes(k)), 'fuzzed/exempt intents not in routes.ts').toEqual([])
		expect(Object.keys(EXEMPT).filter((k) => fuzzed.has(k)), 'exempt but fuzzed').toEqual([])
	})
})
