// The API plumbing: tokens, problems, bodies, ETags, idempotency and the OpenAPI document. The
// endpoints' own behaviour is tested beside them; here a small echo endpoint stands in for writes.
import fs from 'node:fs'
import path from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { countApiRequest, createApiToken, listApiTokens, revokeApiToken } from '#app/models/api-token.server.ts'
import { createDb } from '#app/utils/db.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { countRows, makeAccount, seedRegions } from '#tests/factories.ts'
import { useGlobalTestDb } from '#tests/setup/route.ts'
import { loader, action } from '#app/routes/api.v1.$.ts'
import { type Endpoint, MAX_BODY_BYTES, decodeCursor, encodeCursor, endpoint, serveEndpoint } from './http.server.ts'
import { buildOpenApi } from './openapi.server.ts'
import { ENDPOINTS } from './registry.server.ts'

const ctx = useGlobalTestDb()
const BASE = 'http://localhost/api/v1'

function call(pathname: string, init: { method?: string; token?: string; headers?: Record<string, string>; body?: BodyInit } = {}) {
	const headers: Record<string, string> = { ...init.headers }
	if (init.token) headers.Authorization = `Bearer ${init.token}`
	const request = new Request(`${BASE}${pathname}`, { method: init.method ?? 'GET', headers, body: init.body })
	const args = { request, params: {}, context: {} }
	return (request.method === 'GET' ? loader(args) : action(args)) as Promise<Response>
}

let readToken: string
let writeToken: string
let accountId: string

beforeAll(async () => {
	await seedRegions(ctx.db)
	accountId = (await makeAccount(ctx.db)).id
	readToken = (await createApiToken(ctx.db, accountId, { name: '只读', scope: 'read', expiresInDays: 30 })).token
	writeToken = (await createApiToken(ctx.db, accountId, { name: '读写', scope: 'read_write', expiresInDays: 30 })).token
})

describe('tokens', () => {
	it('are shown once and stored only as a hash; listed without it; revoked by their owner only', async () => {
		const owner = (await makeAccount(ctx.db)).id
		const created = await createApiToken(ctx.db, owner, { name: '省级系统对接', scope: 'read', expiresInDays: '90' })
		expect(created.token).toMatch(/^bfk_[A-Za-z0-9_-]{43}$/)
		const stored = await ctx.db.selectFrom('apiToken').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow()
		expect(JSON.stringify(stored)).not.toContain(created.token)
		const listed = await listApiTokens(ctx.db, owner)
		expect(listed).toHaveLength(1)
		expect(listed[0]).toMatchObject({ name: '省级系统对接', scope: 'read', state: 'active', prefix: created.token.slice(0, 10) })
		expect(listed[0]).not.toHaveProperty('tokenHash')
		const stranger = (await makeAccount(ctx.db)).id
		await expect(revokeApiToken(ctx.db, stranger, created.id)).rejects.toBeInstanceOf(AppError)
		await revokeApiToken(ctx.db, owner, created.id)
		expect((await listApiTokens(ctx.db, owner))[0].state).toBe('revoked')
	})

	it('refuses bad names, scopes and expiries, naming the field and writing nothing', async () => {
		const before = await countRows(ctx.db, 'apiToken')
		for (const [input, field] of [
			[{ name: '', scope: 'read', expiresInDays: 30 }, 'name'],
			[{ name: 'x', scope: 'admin', expiresInDays: 30 }, 'scope'],
			[{ name: 'x', scope: 'read', expiresInDays: 0 }, 'expiresInDays'],
			[{ name: 'x', scope: 'read', expiresInDays: 366 }, 'expiresInDays'],
		] as const) {
			const error = await createApiToken(ctx.db, accountId, input).catch((e: unknown) => e)
			expect(error).toBeInstanceOf(AppError)
			expect(Object.keys((error as AppError).fields)).toEqual([field])
		}
		expect(await countRows(ctx.db, 'apiToken')).toBe(before)
	})

	it('are rate-limited per token in one-minute windows', async () => {
		const id = (await createApiToken(ctx.db, accountId, { name: 'rate', scope: 'read', expiresInDays: 1 })).id
		const t = Date.UTC(2026, 10, 23, 8, 0, 5)
		const results = []
		for (let i = 0; i < 4; i++) results.push(await countApiRequest(ctx.db, id, t, 3))
		expect(results.map((r) => [r.allowed, r.remaining])).toEqual([
			[true, 2],
			[true, 1],
			[true, 0],
			[false, 0],
		])
		expect((await countApiRequest(ctx.db, id, t + 60_000, 3)).allowed).toBe(true)
	})
})

describe('authentication and problems', () => {
	it('answers without, with an unknown, an expired or a revoked token with 401 problem+json', async () => {
		const expired = await createApiToken(ctx.db, accountId, { name: 'old', scope: 'read', expiresInDays: 1 }, Date.now() - 2 * 86_400_000)
		const revoked = await createApiToken(ctx.db, accountId, { name: 'gone', scope: 'read', expiresInDays: 1 })
		await revokeApiToken(ctx.db, accountId, revoked.id)
		for (const token of [undefined, 'bfk_unknown', expired.token, revoked.token, 'not-a-token']) {
			const res = await call('/regions', { token })
			expect(res.status, String(token)).toBe(401)
			expect(res.headers.get('content-type')).toContain('application/problem+json')
			expect(res.headers.get('www-authenticate')).toContain('Bearer')
			expect(await res.json()).toMatchObject({ status: 401, title: '需要有效的 API 令牌' })
		}
	})

	it('serves a read with an ETag and answers If-None-Match with 304', async () => {
		const res = await call('/regions', { token: readToken })
		expect(res.status).toBe(200)
		const body = (await res.json()) as { items: Array<{ code: string; fullName: string }> }
		expect(body.items.map((r) => r.code)).toContain('510000000000')
		const etag = res.headers.get('etag') as string
		expect(etag).toMatch(/^W\/"[0-9a-f]{32}"$/)
		expect(res.headers.get('ratelimit-limit')).toBe('120')
		const again = await call('/regions', { token: readToken, headers: { 'If-None-Match': etag } })
		expect(again.status).toBe(304)
		const region = (await (await call('/regions/513431000000', { token: readToken })).json()) as { fullName: string; isKeyCounty: boolean }
		expect(region).toMatchObject({ fullName: '四川省 凉山彝族自治州 昭觉县', isKeyCounty: true })
	})

	it('gives 404 for unknown paths and regions, 405 for a wrong method, 422 for unknown query fields, in the asked language', async () => {
		expect((await call('/nothing-here', { token: readToken })).status).toBe(404)
		const missing = await call('/regions/999999999999', { token: readToken, headers: { 'Accept-Language': 'en-US,en;q=0.9' } })
		expect(missing.status).toBe(404)
		expect(await missing.json()).toMatchObject({ title: 'Not found' })
		const wrong = await call('/regions', { method: 'POST', token: writeToken })
		expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET'])
		const unknown = await call('/regions?color=red', { token: readToken })
		expect(unknown.status).toBe(422)
		expect(((await unknown.json()) as { errors: Array<{ field: string; code: string }> }).errors).toEqual([expect.objectContaining({ code: 'unknown_field', field: 'query.color' })])
	})
})

describe('bodies, scopes and idempotency', () => {
	let calls = 0
	const echo: Endpoint = endpoint({
		operationId: 'echo',
		method: 'post',
		path: '/echo',
		summary: 'test',
		tags: ['test'],
		access: 'write',
		idempotent: true,
		status: 201,
		body: z.object({ title: z.string().min(1, { error: 'validation.required' }), amount: z.number().int().min(0) }).strict(),
		response: z.object({ n: z.number() }),
		handler: async ({ body }) => {
			calls++
			if (body.title === 'conflict') throw AppError.conflict('errors.commit_exceeds_gap')
			if (body.title === 'invalid') throw AppError.invalid({ amount: 'validation.must_be_positive' })
			return { body: { n: calls } }
		},
	})
	const post = (body: string | undefined, options: { token?: string; type?: string; key?: string; language?: string } = {}) => {
		const headers: Record<string, string> = { Authorization: `Bearer ${options.token ?? writeToken}` }
		if (options.type !== '') headers['Content-Type'] = options.type ?? 'application/json'
		if (options.key) headers['Idempotency-Key'] = options.key
		if (options.language) headers['Accept-Language'] = options.language
		return serveEndpoint(echo, new Request(`${BASE}/echo`, { method: 'POST', headers, body }), {}, ctx.db)
	}

	it('refuses a read-only token, a wrong content type, malformed JSON, unknown fields and big bodies; the handler never runs', async () => {
		const before = calls
		const cases: Array<[Promise<Response>, number, string]> = [
			[post('{"title":"a","amount":1}', { token: readToken }), 403, 'read_only_token'],
			[post('{"title":"a","amount":1}', { type: 'text/plain' }), 415, 'unsupported_media_type'],
			[post('{"title":"a","amount":1}', { type: '' }), 415, 'unsupported_media_type'],
			[post('{"title": "a", amount: 1}'), 400, 'malformed_json'],
			[post('{"title":"a","amount":1,"isAdmin":true}'), 422, 'invalid'],
			[post('{"title":"","amount":-1}'), 422, 'invalid'],
			[post(JSON.stringify({ title: 'x'.repeat(MAX_BODY_BYTES), amount: 1 })), 413, 'payload_too_large'],
		]
		for (const [response, status, type] of cases) {
			const res = await response
			expect(res.status, type).toBe(status)
			expect(((await res.json()) as { type: string }).type).toBe(`https://bangfu.cn/problems/${type}`)
		}
		const fields = (await (await post('{"title":"","amount":-1}', { language: 'en' })).json()) as { errors: Array<{ field: string; message: string }> }
		expect(fields.errors.map((e) => e.field).sort()).toEqual(['amount', 'title'])
		expect(fields.errors.find((e) => e.field === 'title')?.message).toBe('Required')
		expect(calls).toBe(before)
	})

	it('maps model errors to problems with field errors', async () => {
		const conflict = await post('{"title":"conflict","amount":1}')
		expect(conflict.status).toBe(409)
		const invalid = (await (await post('{"title":"invalid","amount":1}')).json()) as { status: number; errors: unknown[] }
		expect(invalid).toMatchObject({ status: 422, errors: [{ field: 'amount', code: 'invalid', message: '必须大于 0' }] })
	})

	it('replays the first response for a repeated Idempotency-Key and refuses the key for another body', async () => {
		const first = await post('{"title":"a","amount":1}', { key: 'order-42' })
		expect(first.status).toBe(201)
		const firstBody = await first.json()
		const count = calls
		const again = await post('{"title":"a","amount":1}', { key: 'order-42' })
		expect([again.status, again.headers.get('idempotent-replayed')]).toEqual([201, 'true'])
		expect(await again.json()).toEqual(firstBody)
		expect(calls).toBe(count)
		expect((await post('{"title":"b","amount":1}', { key: 'order-42' })).status).toBe(422)
		expect((await post('{"title":"a","amount":1}', { key: 'bad key with spaces' })).status).toBe(422)
		expect(calls).toBe(count)
	})

	it('forgets a key whose request was refused, so the corrected request may use it', async () => {
		expect((await post('{"title":"conflict","amount":1}', { key: 'retry-7' })).status).toBe(409)
		const fixed = await post('{"title":"ok","amount":1}', { key: 'retry-7' })
		expect(fixed.status).toBe(201)
		expect((await post('{"title":"ok","amount":1}', { key: 'retry-7' })).headers.get('idempotent-replayed')).toBe('true')
	})

	it('takes an action without a body and without a Content-Type, but refuses a non-JSON body', async () => {
		const bare: Endpoint = endpoint({ operationId: 'bare', method: 'post', path: '/bare', summary: 't', tags: ['t'], access: 'write', body: z.object({}).strict().optional(), response: z.object({ ok: z.boolean() }), handler: async () => ({ body: { ok: true } }) })
		const send = (body?: string, type?: string) =>
			serveEndpoint(bare, new Request(`${BASE}/bare`, { method: 'POST', headers: { Authorization: `Bearer ${writeToken}`, ...(type ? { 'Content-Type': type } : {}) }, body }), {}, ctx.db)
		expect((await send()).status).toBe(200)
		expect((await send('{}', 'application/json')).status).toBe(200)
		expect((await send('a=1', 'application/x-www-form-urlencoded')).status).toBe(415)
		expect((await send('{"x":1}', 'application/json')).status).toBe(422)
	})
})

describe('outages', () => {
	it('answers 503 problem+json with Retry-After when the database is unreachable', async () => {
		const global = globalThis as unknown as { __bangfuDb?: ReturnType<typeof createDb> }
		const previous = global.__bangfuDb
		const down = createDb('mysql://root@127.0.0.1:1/bangfu_down', { poolSize: 1 })
		global.__bangfuDb = down
		try {
			const res = await call('/regions', { token: readToken })
			expect(res.status).toBe(503)
			expect(res.headers.get('retry-after')).toBe('5')
			expect(await res.json()).toMatchObject({ status: 503, title: '服务暂时不可用' })
		} finally {
			global.__bangfuDb = previous
			await down.destroy()
		}
	})
})

describe('cursors', () => {
	it('round-trip, and a forged cursor is a field error', () => {
		expect(decodeCursor(encodeCursor('01J00000000000000000000000'))).toBe('01J00000000000000000000000')
		expect(decodeCursor(undefined)).toBeUndefined()
		const error = (() => {
			try {
				decodeCursor('bm9wZQ')
			} catch (e) {
				return e
			}
		})()
		expect((error as AppError).fields).toEqual({ 'query.cursor': 'api.errors.cursor' })
	})
})

describe('OpenAPI document', () => {
	it('is a valid OpenAPI 3.1 document, served publicly', async () => {
		const res = await call('/openapi.json')
		expect(res.status).toBe(200)
		const doc = await res.json()
		const result = await new Validator().validate(doc)
		expect(result.errors ?? []).toEqual([])
		expect(result.valid).toBe(true)
		expect(doc.openapi).toBe('3.1.0')
	})

	it('describes every endpoint the dispatcher serves, and nothing else serves /api/v1', () => {
		const doc = buildOpenApi() as { paths: Record<string, Record<string, { operationId: string }>> }
		const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([method, op]) => `${method} ${p} ${op.operationId}`))
		expect(documented.sort()).toEqual(ENDPOINTS.map((e) => `${e.method} ${e.path} ${e.operationId}`).sort())
		expect(new Set(ENDPOINTS.map((e) => e.operationId)).size).toBe(ENDPOINTS.length)
		// The only route module under /api/v1 is the dispatcher: any other would bypass the registry.
		const routes = fs.readdirSync(path.resolve('app/routes')).filter((f) => /^api\.v1[.[]/.test(f) && !f.includes('.test.'))
		expect(routes).toEqual(['api.v1.$.ts'])
	})
})
