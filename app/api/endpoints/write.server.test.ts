// The /api/v1 writes, through the dispatcher (app/routes/api.v1.$.ts) as a client would call them:
// the whole journey from a need to a verified delivery, who may call what (a token-based matrix,
// nothing written when refused), bad bodies, and Idempotency-Key on creates.
import { createInstance } from 'i18next'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import { StaticRouterProvider, createStaticHandler, createStaticRouter } from 'react-router-dom/server'
import { beforeAll, describe, expect, it } from 'vitest'
import i18nConfig, { resources } from '#app/i18n.ts'
import { ENDPOINTS } from '#app/api/registry.server.ts'
import ApiDocsPage, { loader as docsLoader } from '#app/routes/api.docs.tsx'
import { createApiToken, revokeApiToken } from '#app/models/api-token.server.ts'
import { createCommitment, acceptCommitment, startDelivery, confirmDelivery } from '#app/models/commitment.server.ts'
import { createNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import { chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { action, loader } from '#app/routes/api.v1.$.ts'
import { actorFor, countRows, makeAccount, makeOfficial, makeOrg, seedRegions } from '#tests/factories.ts'
import { useGlobalTestDb } from '#tests/setup/route.ts'

const ctx = useGlobalTestDb()
const BASE = 'http://localhost/api/v1'
const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)

type Problem = { type: string; title: string; status: number; detail?: string; errors?: Array<{ field: string; code: string; message: string }> }

// Tokens per account and scope, renewed before the per-token rate limit (120 a minute) bites.
const tokens = new Map<string, { id: string; token: string; uses: number }>()
async function tokenOf(accountId: string, scope: 'read' | 'read_write' = 'read_write') {
	const k = `${accountId}:${scope}`
	let t = tokens.get(k)
	if (!t || t.uses >= 100) {
		if (t) await revokeApiToken(ctx.db, accountId, t.id)
		const created = await createApiToken(ctx.db, accountId, { name: `test ${scope}`, scope, expiresInDays: 1 })
		t = { id: created.id, token: created.token, uses: 0 }
		tokens.set(k, t)
	}
	t.uses++
	return t.token
}

type CallOptions = { as?: string | null; scope?: 'read' | 'read_write'; body?: unknown; raw?: string; type?: string; key?: string; language?: string; method?: string }

/** Calls the API as `as` (an account id; null: no token) with a JSON body. */
async function api(pathname: string, options: CallOptions = {}) {
	const headers: Record<string, string> = {}
	if (options.as) headers.Authorization = `Bearer ${await tokenOf(options.as, options.scope)}`
	if (options.type !== '') headers['Content-Type'] = options.type ?? 'application/json'
	if (options.key) headers['Idempotency-Key'] = options.key
	if (options.language) headers['Accept-Language'] = options.language
	const method = options.method ?? 'POST'
	const body = method === 'GET' ? undefined : (options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)))
	const request = new Request(`${BASE}${pathname}`, { method, headers, body })
	const args = { request, params: {}, context: {} }
	const res = (await (method === 'GET' ? loader(args) : action(args))) as Response
	const text = await res.text()
	return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : null) as any }
}

let vOwner: string // owner of 三河村 (village A)
let vMember: string // plain member of 三河村
let vOwnerB: string // owner of 谷曲村 (village B)
let villageA: string
let villageB: string
let pOwner: string // owner of provider A
let pMember: string // plain member of provider A
let pOwnerB: string // owner of provider B
let providerA: string
let providerB: string
let townshipIn: string // 新城镇 covers 三河村
let townshipOut: string // 谷曲乡: same county, not 三河村

beforeAll(async () => {
	await seedRegions(ctx.db)
	vOwner = (await makeAccount(ctx.db)).id
	villageA = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: vOwner, name: '三河村村民委员会' })
	vMember = (await makeAccount(ctx.db)).id
	await ctx.db.insertInto('membership').values({ orgId: villageA, accountId: vMember, role: 'member', createdAt: Date.now() }).execute()
	vOwnerB = (await makeAccount(ctx.db)).id
	villageB = await makeOrg(ctx.db, 'village', { regionCode: '513431101201', ownerId: vOwnerB, name: '谷曲村村民委员会' })
	pOwner = (await makeAccount(ctx.db)).id
	providerA = await makeOrg(ctx.db, 'central_unit', { ownerId: pOwner, name: '国家帮扶单位甲' })
	pMember = (await makeAccount(ctx.db)).id
	await ctx.db.insertInto('membership').values({ orgId: providerA, accountId: pMember, role: 'member', createdAt: Date.now() }).execute()
	pOwnerB = (await makeAccount(ctx.db)).id
	providerB = await makeOrg(ctx.db, 'enterprise', { ownerId: pOwnerB, name: '浙江帮扶企业乙' })
	townshipIn = (await makeOfficial(ctx.db, '513431100000')).accountId
	townshipOut = (await makeOfficial(ctx.db, '513431101000')).accountId
})

const needBody = (overrides: Record<string, unknown> = {}) => ({
	title: '三河村花椒烘干设备',
	description: '购置两台烘干机',
	category: 'industry',
	measure: 'amount',
	target: 100_000,
	beneficiaries: 50,
	urgency: 'high',
	neededBy: dateIn(60),
	...overrides,
})

const offerBody = (overrides: Record<string, unknown> = {}) => ({
	orgId: providerA,
	title: '产业帮扶资金',
	description: '支持村集体产业设备购置',
	categories: ['industry', 'consumption'],
	measure: 'amount',
	capacity: 500_000,
	coverage: 'nationwide',
	validFrom: dateIn(0),
	validUntil: dateIn(180),
	...overrides,
})

// Worlds built through the models (the API under test is then called on them).
async function draftNeed(village = villageA, owner = vOwner) {
	return (await createNeed(ctx.db, village, { ...needBody(), amount: '1000', beneficiaries: '50' }, await actorFor(ctx.db, owner))).id
}
async function publishedNeed(amountYuan = '1000') {
	const actor = await actorFor(ctx.db, vOwner)
	const { id } = await createNeed(ctx.db, villageA, { ...needBody(), amount: amountYuan, beneficiaries: '50' }, actor)
	await submitNeed(ctx.db, id, actor)
	await reviewNeed(ctx.db, id, { decision: 'publish' }, await actorFor(ctx.db, townshipIn))
	return id
}
async function draftOffer() {
	return (await createOffer(ctx.db, providerA, { ...offerBody(), capacity: '5000' }, await actorFor(ctx.db, pOwner))).id
}
async function commitmentIn(state: 'pledged' | 'accepted' | 'in_delivery' | 'delivered') {
	const needId = await publishedNeed()
	const provider = await actorFor(ctx.db, pOwner)
	const village = await actorFor(ctx.db, vOwner)
	const { id } = await createCommitment(ctx.db, needId, { providerOrgId: providerA, amount: '300', dueAt: dateIn(30) }, provider)
	if (state === 'pledged') return id
	await acceptCommitment(ctx.db, id, village)
	if (state === 'accepted') return id
	await startDelivery(ctx.db, id, provider)
	if (state === 'in_delivery') return id
	await confirmDelivery(ctx.db, id, { deliveredAmount: '300' }, village)
	return id
}

/** What a refused write must leave untouched. */
async function snapshot() {
	const [needs, offers, commitments, events, notifications, needStatuses, offerStatuses, commitmentStatuses] = await Promise.all([
		countRows(ctx.db, 'need'),
		countRows(ctx.db, 'offer'),
		countRows(ctx.db, 'commitment'),
		countRows(ctx.db, 'event'),
		countRows(ctx.db, 'notification'),
		ctx.db.selectFrom('need').select(['id', 'status', 'updatedAt']).orderBy('id').execute(),
		ctx.db.selectFrom('offer').select(['id', 'status', 'updatedAt']).orderBy('id').execute(),
		ctx.db.selectFrom('commitment').select(['id', 'status', 'deliveredAmount', 'updatedAt']).orderBy('id').execute(),
	])
	return { needs, offers, commitments, events, notifications, needStatuses, offerStatuses, commitmentStatuses }
}

describe('the journey from a need to a verified delivery, all through the API', () => {
	it('creates and submits a need, publishes an offer, pledges, accepts, delivers and verifies', async () => {
		// The village: a draft (its only village org, so villageOrgId may be left out), then submitted.
		const created = await api('/needs', { as: vOwner, body: needBody() })
		expect(created.status).toBe(201)
		expect(created.json).toMatchObject({ id: expect.any(String), status: 'draft', villageOrgId: villageA, measure: 'amount', target: 100_000, remaining: 100_000 })
		const needId = created.json.id as string
		const stored = await ctx.db.selectFrom('need').selectAll().where('id', '=', needId).executeTakeFirstOrThrow()
		expect(stored).toMatchObject({ villageOrgId: villageA, measure: 'amount', target: 100_000, beneficiaries: 50, status: 'draft', createdBy: vOwner })
		const submitted = await api(`/needs/${needId}/submit`, { as: vOwner })
		expect(submitted.status).toBe(200)
		expect(submitted.json).toMatchObject({ id: needId, status: 'submitted' })

		// The township publishes it (reviews have no API yet).
		await reviewNeed(ctx.db, needId, { decision: 'publish' }, await actorFor(ctx.db, townshipIn))

		// The provider: an offer, published, then a pledge drawing on it.
		const offer = await api('/offers', { as: pOwner, body: offerBody() })
		expect([offer.status, offer.json.status]).toEqual([201, 'draft'])
		const offerId = offer.json.id as string
		expect(await ctx.db.selectFrom('offer').select(['providerOrgId', 'capacity', 'measure']).where('id', '=', offerId).executeTakeFirst()).toEqual({ providerOrgId: providerA, capacity: 500_000, measure: 'amount' })
		const published = await api(`/offers/${offerId}/publish`, { as: pOwner, body: {} })
		expect(published.status).toBe(200)
		expect(published.json).toMatchObject({ id: offerId, status: 'active' })

		const pledge = await api(`/needs/${needId}/commitments`, { as: pOwner, body: { providerOrgId: providerA, amount: 40_000, dueAt: dateIn(30), message: '先交付一台', offerId } })
		expect([pledge.status, pledge.json.status]).toEqual([201, 'pledged'])
		expect(pledge.json).toMatchObject({ needId, providerOrgId: providerA, amount: 40_000, offerId, measure: 'amount' })
		const commitmentId = pledge.json.id as string
		expect(await ctx.db.selectFrom('commitment').select(['amount', 'offerId', 'providerOrgId', 'message']).where('id', '=', commitmentId).executeTakeFirst()).toEqual({
			amount: 40_000,
			offerId,
			providerOrgId: providerA,
			message: '先交付一台',
		})

		// The village accepts, the provider delivers, the village confirms part of it, the township verifies.
		expect((await api(`/commitments/${commitmentId}/accept`, { as: vOwner })).json).toMatchObject({ id: commitmentId, status: 'accepted' })
		expect((await api(`/commitments/${commitmentId}/start-delivery`, { as: pOwner })).json).toMatchObject({ id: commitmentId, status: 'in_delivery' })
		const delivered = await api(`/commitments/${commitmentId}/deliver`, { as: vOwner, body: { deliveredAmount: 35_000 } })
		expect(delivered.status).toBe(200)
		expect(delivered.json).toMatchObject({ id: commitmentId, status: 'delivered', deliveredAmount: 35_000 })
		const verified = await api(`/commitments/${commitmentId}/verify`, { as: townshipIn, body: { note: '已现场核验' } })
		expect(verified.status).toBe(200)
		expect(verified.json).toMatchObject({ id: commitmentId, status: 'verified', needId, amount: 40_000, offerId })

		const row = await ctx.db.selectFrom('commitment').select(['status', 'deliveredAmount', 'verifiedBy']).where('id', '=', commitmentId).executeTakeFirstOrThrow()
		expect(row).toEqual({ status: 'verified', deliveredAmount: 35_000, verifiedBy: townshipIn })
		const actions = await ctx.db.selectFrom('event').select(['action', 'actorAccountId']).where('entityId', '=', commitmentId).orderBy('id').execute()
		expect(actions.map((e) => e.action)).toEqual(['create', 'accept', 'start', 'deliver', 'verify'])
	})

	it('closes the need when a verification reaches its target; quantities are whole units', async () => {
		const created = await api('/needs', { as: vOwner, body: needBody({ villageOrgId: villageA, measure: 'quantity', target: 30, unit: '人', title: '电商培训名额' }) })
		expect(created.status).toBe(201)
		const needId = created.json.id as string
		expect(await ctx.db.selectFrom('need').select(['target', 'unit', 'measure']).where('id', '=', needId).executeTakeFirst()).toEqual({ target: 30, unit: '人', measure: 'quantity' })
		await api(`/needs/${needId}/submit`, { as: vOwner })
		await reviewNeed(ctx.db, needId, { decision: 'publish' }, await actorFor(ctx.db, townshipIn))
		const pledge = await api(`/needs/${needId}/commitments`, { as: pOwner, body: { providerOrgId: providerA, amount: 30, dueAt: dateIn(10) } })
		expect(pledge.status).toBe(201)
		const id = pledge.json.id as string
		await api(`/commitments/${id}/accept`, { as: vOwner })
		await api(`/commitments/${id}/start-delivery`, { as: pOwner })
		await api(`/commitments/${id}/deliver`, { as: vOwner, body: { deliveredAmount: 30 } })
		const verified = await api(`/commitments/${id}/verify`, { as: townshipIn })
		expect(verified.json).toMatchObject({ id, status: 'verified', measure: 'quantity', unit: '人' })
		expect((await ctx.db.selectFrom('need').select('status').where('id', '=', needId).executeTakeFirstOrThrow()).status).toBe('closed')
	})
})

// ---------------------------------------------------------------------------------------------
// Who may call what. Each row: a fresh resource in the right state, the rightful caller, and
// callers acting outside their rights (another village, another org, an official elsewhere, the
// other side of the commitment).

type Row = {
	name: string
	setup: () => Promise<string>
	path: (id: string) => string
	body?: (id: string) => unknown
	owner: string | (() => string)
	outsiders: Array<[string, () => string]>
	success: number
}

const matrix: Row[] = [
	{
		name: 'POST /needs',
		setup: async () => '',
		path: () => '/needs',
		body: () => needBody({ villageOrgId: villageA }),
		owner: () => vOwner,
		outsiders: [
			['another village’s owner', () => vOwnerB],
			['a provider', () => pOwner],
			['an official', () => townshipIn],
		],
		success: 201,
	},
	{
		name: 'POST /needs/{needId}/submit',
		setup: () => draftNeed(),
		path: (id) => `/needs/${id}/submit`,
		owner: () => vOwner,
		outsiders: [
			['another village’s owner', () => vOwnerB],
			['a plain member of the village', () => vMember],
			['the covering official', () => townshipIn],
		],
		success: 200,
	},
	{
		name: 'POST /offers',
		setup: async () => '',
		path: () => '/offers',
		body: () => offerBody({ orgId: providerA }),
		owner: () => pOwner,
		outsiders: [
			['another provider’s owner', () => pOwnerB],
			['a village owner', () => vOwner],
		],
		success: 201,
	},
	{
		name: 'POST /offers/{offerId}/publish',
		setup: () => draftOffer(),
		path: (id) => `/offers/${id}/publish`,
		owner: () => pOwner,
		outsiders: [
			['another provider’s owner', () => pOwnerB],
			['a plain member of the provider', () => pMember],
			['a village owner', () => vOwner],
		],
		success: 200,
	},
	{
		name: 'POST /needs/{needId}/commitments',
		setup: () => publishedNeed(),
		path: (id) => `/needs/${id}/commitments`,
		body: () => ({ providerOrgId: providerA, amount: 10_000, dueAt: dateIn(20) }),
		owner: () => pOwner,
		outsiders: [
			['another provider’s owner naming provider A', () => pOwnerB],
			['a plain member of provider A', () => pMember],
			['the need’s own village', () => vOwner],
		],
		success: 201,
	},
	{
		name: 'POST /commitments/{id}/accept',
		setup: () => commitmentIn('pledged'),
		path: (id) => `/commitments/${id}/accept`,
		owner: () => vOwner,
		outsiders: [
			['another village’s owner', () => vOwnerB],
			['the pledging provider', () => pOwner],
			['a plain member of the village', () => vMember],
		],
		success: 200,
	},
	{
		name: 'POST /commitments/{id}/start-delivery',
		setup: () => commitmentIn('accepted'),
		path: (id) => `/commitments/${id}/start-delivery`,
		owner: () => pOwner,
		outsiders: [
			['another provider’s owner', () => pOwnerB],
			['the village', () => vOwner],
		],
		success: 200,
	},
	{
		name: 'POST /commitments/{id}/deliver',
		setup: () => commitmentIn('in_delivery'),
		path: (id) => `/commitments/${id}/deliver`,
		body: () => ({ deliveredAmount: 30_000 }),
		owner: () => vOwner,
		outsiders: [
			['another village’s owner', () => vOwnerB],
			['the provider', () => pOwner],
		],
		success: 200,
	},
	{
		name: 'POST /commitments/{id}/verify',
		setup: () => commitmentIn('delivered'),
		path: (id) => `/commitments/${id}/verify`,
		body: () => ({}),
		owner: () => townshipIn,
		outsiders: [
			['an official outside the jurisdiction', () => townshipOut],
			['the village', () => vOwner],
			['the provider', () => pOwner],
		],
		success: 200,
	},
]

describe('authorization matrix', () => {
	for (const row of matrix) {
		it(`${row.name}: 401 without a token, 403 for a read token, 403/404 outside one’s rights, nothing written; the rightful caller succeeds`, async () => {
			const id = await row.setup()
			const path = row.path(id)
			const body = row.body?.(id)
			const owner = typeof row.owner === 'function' ? row.owner() : row.owner
			const before = await snapshot()

			const anonymous = await api(path, { as: null, body })
			expect(anonymous.status).toBe(401)
			expect(anonymous.headers.get('content-type')).toContain('application/problem+json')

			const readOnly = await api(path, { as: owner, scope: 'read', body })
			expect(readOnly.status).toBe(403)
			expect(readOnly.json.type).toBe('https://bangfu.cn/problems/read_only_token')

			for (const [who, account] of row.outsiders) {
				const res = await api(path, { as: account(), body })
				expect([403, 404], `${who}: ${res.status} ${JSON.stringify(res.json)}`).toContain(res.status)
				expect(res.headers.get('content-type')).toContain('application/problem+json')
				expect((res.json as Problem).type).toMatch(/\/(forbidden|not_found)$/)
			}
			expect(await snapshot(), 'a refused call wrote something').toEqual(before)

			const ok = await api(path, { as: owner, body })
			expect(ok.status, JSON.stringify(ok.json)).toBe(row.success)
		})
	}

	it('refuses a revoked or an expired token with 401 on a write', async () => {
		const revoked = await createApiToken(ctx.db, vOwner, { name: 'gone', scope: 'read_write', expiresInDays: 1 })
		await revokeApiToken(ctx.db, vOwner, revoked.id)
		const expired = await createApiToken(ctx.db, vOwner, { name: 'old', scope: 'read_write', expiresInDays: 1 }, Date.now() - 2 * DAY)
		const before = await snapshot()
		for (const token of [revoked.token, expired.token, 'bfk_nope']) {
			const res = await action({ request: new Request(`${BASE}/needs`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(needBody()) }), params: {}, context: {} })
			expect((res as Response).status).toBe(401)
		}
		expect(await snapshot()).toEqual(before)
	})
})

// ---------------------------------------------------------------------------------------------

describe('bad input', () => {
	const fieldsOf = (res: { json: Problem }) => (res.json.errors ?? []).map((e) => e.field).sort()

	it('POST /needs: wrong types, unknown fields and model rules give 422 with field errors; nothing written', async () => {
		const before = await snapshot()
		const wrongTypes = await api('/needs', { as: vOwner, body: needBody({ target: 12.5, category: 'weather', neededBy: '2026/01/01', isAdmin: true }) })
		expect(wrongTypes.status).toBe(422)
		expect(wrongTypes.headers.get('content-type')).toContain('application/problem+json')
		expect(fieldsOf(wrongTypes)).toEqual(['category', 'isAdmin', 'neededBy', 'target'])
		expect(wrongTypes.json.errors.find((e: { field: string }) => e.field === 'isAdmin').code).toBe('unknown_field')

		const money = await api('/needs', { as: vOwner, body: needBody({ target: '1000' }), language: 'en' })
		expect(money.status).toBe(422)
		expect(money.json.errors).toEqual([{ field: 'target', code: 'invalid_type', message: 'A whole number: fen (1/100 yuan) for money, units for quantities' }])

		// Passes the API's types, refused by the model's rules (the same as the form's).
		const rules = await api('/needs', { as: vOwner, body: needBody({ title: '  ', neededBy: dateIn(-3) }) })
		expect(rules.status).toBe(422)
		expect(fieldsOf(rules)).toEqual(['neededBy', 'title'])
		expect(rules.json.errors.find((e: { field: string }) => e.field === 'title').message).toBe('此项为必填')

		const noUnit = await api('/needs', { as: vOwner, body: needBody({ measure: 'quantity', target: 3 }) })
		expect([noUnit.status, fieldsOf(noUnit)]).toEqual([422, ['unit']])

		// An account in no village, or in several, must name the village org.
		const none = await api('/needs', { as: pOwner, body: needBody() })
		expect([none.status, fieldsOf(none)]).toEqual([422, ['villageOrgId']])
		const unknownOrg = await api('/needs', { as: vOwner, body: needBody({ villageOrgId: '01NOSUCHORG0000000000000000'.slice(0, 26) }) })
		expect(unknownOrg.status).toBe(404)
		expect(await snapshot()).toEqual(before)
	})

	it('POST /offers: field errors from the API’s types and the model’s rules; nothing written', async () => {
		const before = await snapshot()
		const types = await api('/offers', { as: pOwner, body: offerBody({ categories: [], capacity: -5, coverage: 'galaxy' }) })
		expect([types.status, fieldsOf(types)]).toEqual([422, ['capacity', 'categories', 'coverage']])
		const rules = await api('/offers', { as: pOwner, body: offerBody({ coverage: 'regions', validFrom: dateIn(10), validUntil: dateIn(5) }) })
		expect([rules.status, fieldsOf(rules)]).toEqual([422, ['regionCodes', 'validUntil']])
		const missing = await api('/offers', { as: pOwner, body: { orgId: providerA } })
		expect(missing.status).toBe(422)
		expect(fieldsOf(missing)).toEqual(['capacity', 'categories', 'coverage', 'description', 'measure', 'title', 'validFrom', 'validUntil'])
		expect(await snapshot()).toEqual(before)
	})

	it('commitments: amounts over the gap or the committed amount, bad dates, unknown fields; nothing written', async () => {
		const needId = await publishedNeed('1000')
		const before = await snapshot()
		const overGap = await api(`/needs/${needId}/commitments`, { as: pOwner, body: { providerOrgId: providerA, amount: 100_001, dueAt: dateIn(10) } })
		expect([overGap.status, fieldsOf(overGap)]).toEqual([422, ['amount']])
		expect(overGap.json.errors[0].message).toContain('1,000')
		const bad = await api(`/needs/${needId}/commitments`, { as: pOwner, body: { providerOrgId: providerA, amount: 0, dueAt: 'next week', extra: 1 } })
		expect([bad.status, fieldsOf(bad)]).toEqual([422, ['amount', 'dueAt', 'extra']])
		const pastDue = await api(`/needs/${needId}/commitments`, { as: pOwner, body: { providerOrgId: providerA, amount: 100, dueAt: dateIn(-1) } })
		expect([pastDue.status, fieldsOf(pastDue)]).toEqual([422, ['dueAt']])
		expect(await snapshot()).toEqual(before)

		const inDelivery = await commitmentIn('in_delivery')
		const snap = await snapshot()
		const tooMuch = await api(`/commitments/${inDelivery}/deliver`, { as: vOwner, body: { deliveredAmount: 30_001 } })
		expect([tooMuch.status, fieldsOf(tooMuch)]).toEqual([422, ['deliveredAmount']])
		expect((await api(`/commitments/${inDelivery}/deliver`, { as: vOwner, body: {} })).status).toBe(422)
		expect((await api(`/commitments/${inDelivery}/accept`, { as: vOwner, body: { reason: 'x' } })).status).toBe(422)
		expect((await api(`/commitments/${inDelivery}/verify`, { as: townshipIn, body: { note: 5 } })).status).toBe(422)
		// Right input, wrong state: 409.
		const wrongState = await api(`/commitments/${inDelivery}/accept`, { as: vOwner })
		expect([wrongState.status, wrongState.json.type]).toEqual([409, 'https://bangfu.cn/problems/conflict'])
		expect(await snapshot()).toEqual(snap)
	})

	it('malformed JSON, a wrong content type, a big body, an unknown id: the right problem, nothing written', async () => {
		const needId = await draftNeed()
		const before = await snapshot()
		expect((await api('/needs', { as: vOwner, raw: '{"title": "x",' })).status).toBe(400)
		expect((await api('/needs', { as: vOwner, raw: JSON.stringify(needBody()), type: 'text/plain' })).status).toBe(415)
		expect((await api('/needs', { as: vOwner, raw: JSON.stringify(needBody({ description: '字'.repeat(400_000) })) })).status).toBe(413)
		expect((await api(`/needs/${needId}/submit`, { as: vOwner, raw: '[]' })).status).toBe(422)
		expect((await api('/needs/01J0000000000000000000000X/submit', { as: vOwner })).status).toBe(404)
		expect((await api('/commitments/nope/verify', { as: townshipIn })).status).toBe(404)
		expect((await api('/needs', { as: vOwner, method: 'PUT', raw: '{}' })).status).toBe(405)
		expect(await snapshot()).toEqual(before)
	})
})

// ---------------------------------------------------------------------------------------------

describe('Idempotency-Key on creates', () => {
	it('replays the first need, offer and pledge for a repeated key, writing each once', async () => {
		const needId = await publishedNeed()
		const cases: Array<[string, string, unknown]> = [
			['/needs', vOwner, needBody()],
			['/offers', pOwner, offerBody()],
			[`/needs/${needId}/commitments`, pOwner, { providerOrgId: providerA, amount: 5_000, dueAt: dateIn(15) }],
		]
		for (const [path, as, body] of cases) {
			const key = `retry-${path.length}-${Date.now()}`
			const before = await snapshot()
			const first = await api(path, { as, body, key })
			expect(first.status, path).toBe(201)
			const again = await api(path, { as, body, key })
			expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true'])
			expect(again.json).toEqual(first.json)
			const after = await snapshot()
			expect(after.needs + after.offers + after.commitments).toBe(before.needs + before.offers + before.commitments + 1)
			// The same key for another body is refused, and writes nothing.
			const other = await api(path, { as, body: { ...(body as object), title: '另一个' }, key })
			expect(other.status).toBe(422)
			expect(await snapshot()).toEqual(after)
		}
	})

	it('two pledges racing with one key make one commitment', async () => {
		const needId = await publishedNeed()
		const before = await countRows(ctx.db, 'commitment')
		const body = { providerOrgId: providerA, amount: 2_000, dueAt: dateIn(15) }
		const [a, b] = await Promise.all([api(`/needs/${needId}/commitments`, { as: pOwner, body, key: 'race-1' }), api(`/needs/${needId}/commitments`, { as: pOwner, body, key: 'race-1' })])
		// One runs; the other replays its response, or (still running) is told to retry: 409.
		const statuses = [a.status, b.status].sort()
		expect([[201, 201], [201, 409]]).toContainEqual(statuses)
		if (statuses[1] === 201) expect(a.json.id).toBe(b.json.id)
		expect(await countRows(ctx.db, 'commitment')).toBe(before + 1)
		// A retry after the first finished replays it.
		const retry = await api(`/needs/${needId}/commitments`, { as: pOwner, body, key: 'race-1' })
		expect(retry.status).toBe(201)
		expect(retry.json.id).toBe((a.status === 201 ? a : b).json.id)
	})

	it('is documented on the creates only', async () => {
		const doc = (await api('/openapi.json', { method: 'GET', type: '' })).json as { paths: Record<string, Record<string, { parameters: Array<{ name: string }> }>> }
		const idempotent = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op.parameters.some((x) => x.name === 'Idempotency-Key')).map(([m]) => `${m} ${p}`))
		expect(idempotent.sort()).toEqual(['post /needs', 'post /needs/{needId}/commitments', 'post /offers'])
	})
})

// ---------------------------------------------------------------------------------------------

describe('/api/docs', () => {
	async function renderDocs(lng: 'zh-CN' | 'en') {
		const loaderData = await docsLoader({ request: new Request('http://localhost/api/docs'), params: {}, context: {} })
		const handler = createStaticHandler([{ id: 'page', path: '*', loader: () => loaderData, Component: ApiDocsPage }])
		const context = await handler.query(new Request('http://localhost/api/docs'))
		if (context instanceof Response) throw new Error('unexpected response')
		const router = createStaticRouter(handler.dataRoutes, context)
		const i18n = createInstance()
		await i18n.use(initReactI18next).init({ ...i18nConfig, lng, resources })
		return { loaderData, html: renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false }))) }
	}

	it('lists every registered endpoint with its access and fields, in both languages, for anyone', async () => {
		const { loaderData, html } = await renderDocs('zh-CN')
		expect(loaderData.endpoints.map((e) => `${e.method} ${e.path}`)).toEqual(ENDPOINTS.map((e) => `${e.method.toUpperCase()} ${e.path}`))
		for (const e of ENDPOINTS) expect(html).toContain(`id="${e.operationId}"`)
		const createNeedDoc = loaderData.endpoints.find((e) => e.id === 'createNeed')
		expect(createNeedDoc).toMatchObject({ access: 'write', idempotent: true, status: 201 })
		expect(createNeedDoc?.fields.find((f) => f.name === 'target')).toMatchObject({ in: 'body', required: true, type: 'integer' })
		expect(createNeedDoc?.fields.find((f) => f.name === 'target')?.description).toContain('fen')
		expect(loaderData.endpoints.find((e) => e.id === 'submitNeed')?.fields).toEqual([expect.objectContaining({ name: 'needId', in: 'path', required: true })])
		expect(html).toContain('href="/api/v1/openapi.json"')
		for (const text of ['身份验证', '分页', 'Idempotency-Key', 'application/problem+json', '需读写令牌']) expect(html).toContain(text)
		const english = (await renderDocs('en')).html
		for (const text of ['Authentication', 'Pagination', 'Idempotent creates', 'read-write token']) expect(english).toContain(text)
	})
})
