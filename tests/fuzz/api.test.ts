// Fuzzing the JSON API's bodies (issue #8, item 4): every POST endpoint of ENDPOINTS, through the
// dispatcher (app/routes/api.v1.$.ts) with a read_write token of an account allowed to call it,
// with hostile bodies: wrong types, unknown fields, huge strings, nested junk, text that is not
// JSON, wrong content types, bodies over 1 MB. Properties: never a 500; every refusal is
// problem+json (422 with field `errors` for a body that parses but is invalid); nothing written on
// a refusal; accepted text comes back as sent. Prints the figure in afterAll.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENDPOINTS } from '#app/api/registry.server.ts'
import { createApiToken, revokeApiToken } from '#app/models/api-token.server.ts'
import { acceptCommitment, confirmDelivery, createCommitment, startDelivery } from '#app/models/commitment.server.ts'
import { createNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { createOffer } from '#app/models/offer.server.ts'
import { action } from '#app/routes/api.v1.$.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { useGlobalTestDb } from '#tests/setup/route.ts'
import { asStored, brief, changedTables, count, expectSame, fcOptions, fmt, snapshot, tally } from './harness.ts'
import { FUZZ_SEED, applyJsonMutations, hostileJson, huge, jsonMutations, rawNotJson, seedFor } from './hostile.ts'

const ctx = useGlobalTestDb()
const RUNS = Math.max(1, Math.round(120 * Number(process.env.FUZZ_RUNS ?? 1)))
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

const W = {} as { vOwner: string; villageA: string; pOwner: string; provider: string; official: string; ids: Record<string, string> }

type Stage = 'pledged' | 'accepted' | 'in_delivery' | 'delivered'
async function publishedNeed() {
	const v = await actorFor(ctx.db, W.vOwner)
	const { id } = await createNeed(ctx.db, W.villageA, { title: 'API 需求', description: '', category: 'industry', measure: 'amount', amount: '1000000000', beneficiaries: '', urgency: 'high', neededBy: dateIn(90) }, v)
	await submitNeed(ctx.db, id, v)
	await reviewNeed(ctx.db, id, { decision: 'publish' }, await actorFor(ctx.db, W.official))
	return id
}
async function draftNeed() {
	return (await createNeed(ctx.db, W.villageA, { title: '草稿', description: '', category: 'industry', measure: 'amount', amount: '1000', beneficiaries: '', urgency: 'normal', neededBy: dateIn(30) }, await actorFor(ctx.db, W.vOwner))).id
}
async function draftOffer() {
	const form = { title: '草稿报价', description: '说明', categories: ['industry'], measure: 'amount', capacity: '5000', coverage: 'nationwide', validFrom: dateIn(0), validUntil: dateIn(60) }
	return (await createOffer(ctx.db, W.provider, form, await actorFor(ctx.db, W.pOwner))).id
}
async function commitmentAt(stage: Stage) {
	const p = await actorFor(ctx.db, W.pOwner)
	const v = await actorFor(ctx.db, W.vOwner)
	const { id } = await createCommitment(ctx.db, W.ids.trackNeed, { providerOrgId: W.provider, amount: '1', dueAt: dateIn(20) }, p)
	if (stage === 'pledged') return id
	await acceptCommitment(ctx.db, id, v)
	if (stage === 'accepted') return id
	await startDelivery(ctx.db, id, p)
	if (stage === 'in_delivery') return id
	await confirmDelivery(ctx.db, id, { deliveredAmount: '1' }, v)
	return id
}

// Tokens, renewed before the per-token rate limit (120 a minute) bites; made outside the snapshots.
const tokens = new Map<string, { id: string; token: string; uses: number }>()
async function tokenOf(accountId: string) {
	let t = tokens.get(accountId)
	if (!t || t.uses >= 100) {
		if (t) await revokeApiToken(ctx.db, accountId, t.id)
		const created = await createApiToken(ctx.db, accountId, { name: 'fuzz', scope: 'read_write', expiresInDays: 1 })
		t = { id: created.id, token: created.token, uses: 0 }
		tokens.set(accountId, t)
	}
	t.uses++
	return t.token
}

type Spec = {
	operationId: string
	as: () => string
	path: () => string
	baseline: () => Record<string, unknown> | undefined
	/** After a 2xx: [label, stored, expected]. */
	stored?: (json: any, sent: Record<string, unknown>) => Array<[string, unknown, unknown]>
	/** After a 2xx: a fresh target for the next case. */
	refresh?: () => Promise<void>
}

const text = (v: unknown) => (typeof v === 'string' ? asStored(v) : v)
const specs: Spec[] = [
	{
		operationId: 'createNeed',
		as: () => W.vOwner,
		path: () => '/needs',
		baseline: () => ({ title: '村道 <script>alert(1)</script> 😀', description: "' OR 1=1 --", category: 'infrastructure', measure: 'amount', target: 100_000, beneficiaries: 10, urgency: 'high', neededBy: dateIn(30) }),
		stored: (json, sent) => [
			['need.title', json.title, text(sent.title)],
			['need.description', json.description, text(sent.description ?? '')],
		],
	},
	{ operationId: 'submitNeed', as: () => W.vOwner, path: () => `/needs/${W.ids.submitNeed}/submit`, baseline: () => ({}), refresh: async () => void (W.ids.submitNeed = await draftNeed()) },
	{
		operationId: 'createOffer',
		as: () => W.pOwner,
		path: () => '/offers',
		baseline: () => ({ orgId: W.provider, title: '培训 "><img src=x onerror=alert(1)>', description: '说明 🇨🇳', categories: ['industry', 'employment'], measure: 'amount', capacity: 500_000, coverage: 'nationwide', validFrom: dateIn(0), validUntil: dateIn(60) }),
		stored: (json, sent) => [
			['offer.title', json.title, text(sent.title)],
			['offer.description', json.description, text(sent.description)],
		],
	},
	{ operationId: 'publishOffer', as: () => W.pOwner, path: () => `/offers/${W.ids.publishOffer}/publish`, baseline: () => undefined, refresh: async () => void (W.ids.publishOffer = await draftOffer()) },
	{
		operationId: 'createCommitment',
		as: () => W.pOwner,
		path: () => `/needs/${W.ids.pledgeNeed}/commitments`,
		baseline: () => ({ providerOrgId: W.provider, amount: 100, dueAt: dateIn(10), message: '按时交付 <b>保证</b> 😀' }),
		stored: (json, sent) => [['commitment.message', json.message, text(sent.message ?? '')]],
	},
	{ operationId: 'acceptCommitment', as: () => W.vOwner, path: () => `/commitments/${W.ids.accept}/accept`, baseline: () => ({}), refresh: async () => void (W.ids.accept = await commitmentAt('pledged')) },
	{ operationId: 'startCommitmentDelivery', as: () => W.pOwner, path: () => `/commitments/${W.ids.start}/start-delivery`, baseline: () => undefined, refresh: async () => void (W.ids.start = await commitmentAt('accepted')) },
	{
		operationId: 'confirmCommitmentDelivery',
		as: () => W.vOwner,
		path: () => `/commitments/${W.ids.deliver}/deliver`,
		baseline: () => ({ deliveredAmount: 100 }),
		refresh: async () => void (W.ids.deliver = await commitmentAt('in_delivery')),
	},
	{ operationId: 'verifyCommitment', as: () => W.official, path: () => `/commitments/${W.ids.verify}/verify`, baseline: () => ({ note: '核验 <i>无误</i>' }), refresh: async () => void (W.ids.verify = await commitmentAt('delivered')) },
]

beforeAll(async () => {
	const db = ctx.db
	await seedRegions(db)
	W.vOwner = (await makeAccount(db)).id
	W.villageA = await makeOrg(db, 'village', { regionCode: '513431100201', ownerId: W.vOwner, name: '三河村村民委员会' })
	W.pOwner = (await makeAccount(db)).id
	W.provider = await makeOrg(db, 'central_unit', { ownerId: W.pOwner, name: '国家帮扶单位甲' })
	W.official = (await makeOfficial(db, '513431000000')).accountId
	W.ids = {}
	W.ids.trackNeed = await publishedNeed()
	W.ids.pledgeNeed = await publishedNeed()
	W.ids.submitNeed = await draftNeed()
	W.ids.publishOffer = await draftOffer()
	W.ids.accept = await commitmentAt('pledged')
	W.ids.start = await commitmentAt('accepted')
	W.ids.deliver = await commitmentAt('in_delivery')
	W.ids.verify = await commitmentAt('delivered')
}, 120_000)

afterAll(() => {
	console.log(`[fuzz] api: ${tally.targets.size} endpoints, ${fmt(tally.cases)} cases (${fmt(tally.accepted)} accepted, ${fmt(tally.refused)} refused); ${tally.serverErrors} server errors; seed ${FUZZ_SEED}`)
})

// ---------------------------------------------------------------------------------------------

/** What goes over the wire: a JSON value (serialised), or raw text, with a content type. */
type Wire = { kind: 'json'; value: unknown; type: string } | { kind: 'raw'; text: string; type: string | null }

const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;charset=gbk']
const WRONG_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonx', 'application/problem+json', '']

function wire(fields: string[]): fc.Arbitrary<(b: Record<string, unknown> | undefined) => Wire> {
	return fc.oneof(
		// The baseline object with hostile changes.
		{
			weight: 6,
			arbitrary: fc.tuple(jsonMutations(fields), fc.constantFrom(...CONTENT_TYPES)).map(([list, type]) => (b: Record<string, unknown> | undefined) => ({ kind: 'json' as const, value: applyJsonMutations(b ?? {}, list), type })),
		},
		// A whole body of the wrong shape: a scalar, an array, deep junk.
		{ weight: 1, arbitrary: hostileJson.map((value) => () => ({ kind: 'json' as const, value, type: 'application/json' })) },
		// Text that is not JSON.
		{ weight: 2, arbitrary: rawNotJson.map((t) => () => ({ kind: 'raw' as const, text: t, type: 'application/json' })) },
		// A good body with the wrong content type, or none.
		{ weight: 1, arbitrary: fc.constantFrom(...WRONG_TYPES).map((type) => (b: Record<string, unknown> | undefined) => ({ kind: 'raw' as const, text: JSON.stringify(b ?? {}), type: type || null })) },
		// Over 1 MB.
		{ weight: 1, arbitrary: huge.map((h) => () => ({ kind: 'raw' as const, text: JSON.stringify({ title: h.repeat(Math.ceil(1_100_000 / h.length)) }), type: 'application/json' })) },
	)
}

async function call(spec: Spec, w: Wire) {
	const headers: Record<string, string> = { Authorization: `Bearer ${await tokenOf(spec.as())}` }
	const body = w.kind === 'json' ? JSON.stringify(w.value) : w.text
	if (w.type) headers['Content-Type'] = w.type
	const request = new Request(`http://localhost/api/v1${spec.path()}`, { method: 'POST', headers, body: body === undefined ? 'null' : body })
	let res: Response
	try {
		res = (await action({ request, params: {}, context: {} })) as Response
	} catch (error) {
		tally.serverErrors++
		throw new Error(`unhandled ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)} (would be a 500)`, { cause: error })
	}
	const textBody = await res.text()
	return { status: res.status, type: res.headers.get('content-type') ?? '', text: textBody }
}

async function check(spec: Spec, w: Wire) {
	await tokenOf(spec.as()) // a renewed token is written before the snapshot, not during the call
	tokens.get(spec.as())!.uses--
	const before = await snapshot(ctx.db)
	const res = await call(spec, w)
	const after = await snapshot(ctx.db)
	if (res.status >= 500) tally.serverErrors++
	expect(res.status, `${spec.operationId} answered ${res.status}: ${res.text.slice(0, 300)}`).toBeLessThan(500)
	const accepted = res.status < 400
	count(spec.operationId, accepted)
	if (!accepted) {
		expect(changedTables(before, after), `${spec.operationId} wrote on a ${res.status}`).toEqual([])
		expect(res.type, `${spec.operationId} ${res.status} is problem+json`).toMatch(/^application\/problem\+json/)
		const problem = JSON.parse(res.text) as { type?: string; title?: string; status?: number; errors?: Array<{ field: unknown; code: unknown; message: unknown }> }
		expect(problem.status).toBe(res.status)
		expect(typeof problem.type === 'string' && typeof problem.title === 'string').toBe(true)
		if (res.status === 422) {
			expect(problem.errors?.length, `${spec.operationId}: a 422 without field errors: ${res.text.slice(0, 300)}`).toBeGreaterThan(0)
			for (const e of problem.errors ?? []) expect([typeof e.field, typeof e.code, typeof e.message]).toEqual(['string', 'string', 'string'])
		}
		if (res.status === 400) expect(problem.type).toMatch(/malformed_json$/)
		return { accepted, status: res.status, problem }
	}
	const json = JSON.parse(res.text)
	if (spec.stored && w.kind === 'json') for (const [label, actual, expected] of spec.stored(json, w.value as Record<string, unknown>)) expectSame(`${spec.operationId} ${label}`, actual, expected)
	await spec.refresh?.()
	return { accepted, status: res.status }
}

describe('fuzz: API bodies', () => {
	it('covers every POST endpoint', () => {
		expect(specs.map((s) => s.operationId).sort()).toEqual(ENDPOINTS.filter((e) => e.method === 'post').map((e) => e.operationId).sort())
	})

	for (const spec of specs) {
		it(`${spec.operationId}: hostile bodies are answered (never a 500) with problem+json, nothing written on a refusal, accepted text stored as sent`, async () => {
			const fields = Object.keys(spec.baseline() ?? {})
			await fc.assert(
				fc.asyncProperty(wire(fields.length ? fields : ['note', 'x']), async (make) => {
					await check(spec, make(spec.baseline()))
				}),
				fcOptions(seedFor(`api:${spec.operationId}`), RUNS),
			)
		}, 120_000)
	}

	it('createNeed: a body that parses but breaks a field rule is a 422 naming that field', async () => {
		const spec = specs[0]
		const cases: Array<[string, fc.Arbitrary<unknown>]> = [
			['title', fc.oneof(fc.constantFrom('', '   ', '\u3000'), huge, fc.constantFrom(1, null, [], {}))],
			['target', fc.constantFrom(0, -1, 1.5, 1e308, '100', null, Number.MAX_SAFE_INTEGER)],
			['category', fc.constantFrom('', 'foods', "' OR 1=1 --", 1, null)],
			['neededBy', fc.constantFrom('2026-02-30', '99999-01-01', 'garbage', '', 20260101, null)],
			['beneficiaries', fc.constantFrom(-1, 1.5, '10', 1e9)],
		]
		const pick = fc.integer({ min: 0, max: cases.length - 1 }).chain((i) => cases[i][1].map((value) => ({ field: cases[i][0], value })))
		await fc.assert(
			fc.asyncProperty(pick, async ({ field, value }) => {
				const out = await check(spec, { kind: 'json', value: { ...spec.baseline(), [field]: value }, type: 'application/json' })
				expect(out.accepted, `accepted ${field}=${brief(value)}`).toBe(false)
				expect(out.status).toBe(422)
				expect(out.problem?.errors?.map((e) => e.field)).toContain(field)
			}),
			fcOptions(seedFor('api:createNeed:invalid'), RUNS),
		)
	}, 120_000)
})
