// The JSON API's plumbing (docs/api.md): one `Endpoint` type that both serves requests and writes
// the OpenAPI document, so the document cannot drift from what the handlers accept.
//
// Every request: a Bearer token (api-token.server.ts) → its account as an Actor (the same
// permissions as the interface, checked by the same model functions) → the token's scope (writes
// need read_write) → the per-token rate limit → params, query and body parsed by the endpoint's
// zod schemas (bodies: application/json only, at most 1 MB, unknown fields refused) → the handler.
// Errors are RFC 9457 problem+json, with field errors for invalid input, in the language of
// Accept-Language (zh-CN unless English is preferred). GET responses carry a weak ETag and answer
// If-None-Match with 304. Endpoints marked `idempotent` honour an Idempotency-Key header: the same
// key and body again return the first response; the same key with another body is refused.
import { createHash } from 'node:crypto'
import { createInstance, type TFunction } from 'i18next'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { ApiTokenScope, DB } from '#db/schema.ts'
import { resources } from '#app/i18n.ts'
import { authenticateApiToken, countApiRequest } from '#app/models/api-token.server.ts'
import { type Actor, loadActor } from '#app/models/policy.server.ts'
import { AppError, STATUS_BY_CODE, isAppError } from '#app/utils/errors.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const API_BASE = '/api/v1'
export const MAX_BODY_BYTES = 1_000_000
export const PROBLEM_BASE = 'https://bangfu.cn/problems/'

export type ApiContext<P, Q, B> = {
	db: Kysely<DB>
	actor: Actor
	scope: ApiTokenScope
	params: P
	query: Q
	body: B
	request: Request
	language: 'zh-CN' | 'en'
	now: number
}

export type ApiResult = { status?: number; body: unknown; headers?: Record<string, string> }

export type Endpoint<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> = {
	operationId: string
	method: 'get' | 'post'
	/** OpenAPI path template under /api/v1, e.g. '/needs/{needId}'. */
	path: string
	summary: string
	description?: string
	tags: string[]
	/** 'write' needs a read_write token. */
	access: 'read' | 'write'
	params?: P
	query?: Q
	body?: B
	/** The success body (documentation; handlers return plain values of this shape). */
	response: R
	/** The success status: 200 by default, 201 for creates. */
	status?: number
	/** Honours Idempotency-Key (creates). */
	idempotent?: boolean
	handler: (ctx: ApiContext<z.output<P>, z.output<Q>, z.output<B>>) => Promise<ApiResult>
}

/** Declares an endpoint with its types inferred from its schemas. */
export function endpoint<P extends z.ZodType = z.ZodObject<{}>, Q extends z.ZodType = z.ZodObject<{}>, B extends z.ZodType = z.ZodUndefined, R extends z.ZodType = z.ZodType>(e: Endpoint<P, Q, B, R>): Endpoint {
	return e as unknown as Endpoint
}

// ---------------------------------------------------------------------------------------------
// Problems

export type FieldProblem = { field: string; code: string; message: string }

const translators = new Map<string, TFunction>()
function translator(language: 'zh-CN' | 'en'): TFunction {
	let t = translators.get(language)
	if (!t) {
		const i18n = createInstance()
		void i18n.init({ lng: language, fallbackLng: 'zh-CN', resources, interpolation: { escapeValue: false }, initImmediate: false })
		t = i18n.t
		translators.set(language, t)
	}
	return t
}

export function languageOf(request: Request): 'zh-CN' | 'en' {
	const header = request.headers.get('accept-language') ?? ''
	const first = header.split(',')[0]?.trim().toLowerCase() ?? ''
	return first.startsWith('en') ? 'en' : 'zh-CN'
}

export function problem(status: number, type: string, title: string, extra: { detail?: string; errors?: FieldProblem[]; headers?: Record<string, string> } = {}): Response {
	const body: Record<string, unknown> = { type: `${PROBLEM_BASE}${type}`, title, status }
	if (extra.detail) body.detail = extra.detail
	if (extra.errors) body.errors = extra.errors
	return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/problem+json; charset=utf-8', 'Cache-Control': 'no-store', ...extra.headers } })
}

const PROBLEM_TITLES: Record<string, { status: number; zh: string; en: string }> = {
	unauthorized: { status: 401, zh: '需要有效的 API 令牌', en: 'A valid API token is required' },
	forbidden: { status: 403, zh: '无权执行此操作', en: 'Not allowed' },
	read_only_token: { status: 403, zh: '只读令牌不能写入', en: 'A read-only token cannot write' },
	not_found: { status: 404, zh: '未找到', en: 'Not found' },
	method_not_allowed: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
	conflict: { status: 409, zh: '与当前状态冲突', en: 'Conflicts with the current state' },
	payload_too_large: { status: 413, zh: '请求体超过 1 MB', en: 'The request body is larger than 1 MB' },
	unsupported_media_type: { status: 415, zh: '请求体须为 application/json', en: 'The request body must be application/json' },
	malformed_json: { status: 400, zh: '请求体不是有效的 JSON', en: 'The request body is not valid JSON' },
	invalid: { status: 422, zh: '输入有误', en: 'Invalid input' },
	idempotency_key_reused: { status: 422, zh: '该 Idempotency-Key 已用于另一个请求', en: 'This Idempotency-Key was used for another request' },
	rate_limited: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again shortly' },
	throttled: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again shortly' },
}

export function standardProblem(type: keyof typeof PROBLEM_TITLES, language: 'zh-CN' | 'en', extra: { detail?: string; errors?: FieldProblem[]; headers?: Record<string, string> } = {}) {
	const p = PROBLEM_TITLES[type]
	return problem(p.status, type, language === 'en' ? p.en : p.zh, extra)
}

/** zod issues → field problems (path joined with dots; the message translated). */
export function zodProblems(error: z.ZodError, language: 'zh-CN' | 'en', prefix = ''): FieldProblem[] {
	const t = translator(language)
	return error.issues.map((issue) => {
		const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)'
		if (issue.code === 'unrecognized_keys') {
			const keys = (issue as { keys?: string[] }).keys ?? []
			return { field: [field === '(body)' ? '' : field, keys.join(',')].filter(Boolean).join('.'), code: 'unknown_field', message: language === 'en' ? `Unknown field: ${keys.join(', ')}` : `未知字段：${keys.join('、')}` }
		}
		const message = issue.message.includes('.') && !issue.message.includes(' ') ? tm(t, issue.message) : issue.message
		return { field, code: issue.code, message }
	})
}

/** An error from a model → problem+json. Unknown errors are rethrown (a 500, logged). */
export function problemFromError(error: unknown, language: 'zh-CN' | 'en'): Response {
	if (!isAppError(error)) throw error
	const t = translator(language)
	const detail = tm(t, error.message)
	if (error.code === 'invalid') {
		const errors = Object.entries(error.fields).map(([field, message]) => ({ field, code: 'invalid', message: tm(t, message) }))
		return standardProblem('invalid', language, { detail, errors })
	}
	const status = STATUS_BY_CODE[error.code]
	const p = PROBLEM_TITLES[error.code]
	return problem(status, error.code, language === 'en' ? p.en : p.zh, { detail })
}

// ---------------------------------------------------------------------------------------------
// Requests

function sha256(text: string) {
	return createHash('sha256').update(text).digest('hex')
}

async function readJsonBody(request: Request, language: 'zh-CN' | 'en'): Promise<{ ok: true; value: unknown; text: string } | { ok: false; response: Response }> {
	const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase()
	// An action without a body (accept, submit…) needs no Content-Type; any body must be JSON.
	if (!request.body || request.headers.get('content-length') === '0') {
		if (type && type !== 'application/json') return { ok: false, response: standardProblem('unsupported_media_type', language) }
		return { ok: true, value: undefined, text: '' }
	}
	if (type !== 'application/json') return { ok: false, response: standardProblem('unsupported_media_type', language) }
	const declared = Number(request.headers.get('content-length') ?? '0')
	if (declared > MAX_BODY_BYTES) return { ok: false, response: standardProblem('payload_too_large', language) }
	// Read with a cap: a missing or false Content-Length cannot make us hold more than 1 MB.
	const reader = request.body?.getReader()
	const chunks: Uint8Array[] = []
	let size = 0
	if (reader) {
		for (;;) {
			const { done, value } = await reader.read()
			if (done) break
			size += value.byteLength
			if (size > MAX_BODY_BYTES) {
				await reader.cancel()
				return { ok: false, response: standardProblem('payload_too_large', language) }
			}
			chunks.push(value)
		}
	}
	const text = Buffer.concat(chunks).toString('utf8')
	try {
		return { ok: true, value: text.trim() ? JSON.parse(text) : undefined, text }
	} catch {
		return { ok: false, response: standardProblem('malformed_json', language) }
	}
}

/** Query string → object (repeated keys become arrays), for the endpoint's query schema. */
function queryObject(url: URL): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {}
	for (const key of new Set(url.searchParams.keys())) {
		const all = url.searchParams.getAll(key)
		out[key] = all.length > 1 ? all : all[0]
	}
	return out
}

function withEtag(request: Request, body: string, status: number, headers: Record<string, string>): Response {
	const etag = `W/"${sha256(body).slice(0, 32)}"`
	const match = request.headers.get('if-none-match')
	if (match && match.split(',').some((m) => m.trim() === etag || m.trim() === '*')) return new Response(null, { status: 304, headers: { ETag: etag, ...headers } })
	return new Response(body, { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ETag: etag, 'Cache-Control': 'private, no-cache', ...headers } })
}

/**
 * Serves one request for a matched endpoint. `getDb` is the app's handle (tests install their
 * own); `params` are the path parameters as strings.
 */
export async function serveEndpoint(e: Endpoint, request: Request, rawParams: Record<string, string>, db: Kysely<DB>, now = Date.now()): Promise<Response> {
	const language = languageOf(request)
	const auth = request.headers.get('authorization') ?? ''
	const m = /^Bearer\s+(\S+)$/i.exec(auth)
	if (!m) return standardProblem('unauthorized', language, { headers: { 'WWW-Authenticate': 'Bearer realm="bangfu"' } })
	const check = await authenticateApiToken(db, m[1], now)
	if (!check.ok) return standardProblem('unauthorized', language, { detail: check.reason, headers: { 'WWW-Authenticate': `Bearer realm="bangfu", error="invalid_token"` } })
	const rate = await countApiRequest(db, check.tokenId, now)
	const rateHeaders = { 'RateLimit-Limit': String(rate.limit), 'RateLimit-Remaining': String(rate.remaining), 'RateLimit-Reset': String(Math.max(0, Math.ceil((rate.resetAt - now) / 1000))) }
	if (!rate.allowed) return standardProblem('rate_limited', language, { headers: { ...rateHeaders, 'Retry-After': rateHeaders['RateLimit-Reset'] } })
	if (e.access === 'write' && check.scope !== 'read_write') return standardProblem('read_only_token', language, { headers: rateHeaders })
	const loaded = await loadActor(db, check.accountId)
	if (!loaded) return standardProblem('unauthorized', language)
	const actor: Actor = { ...loaded, requestId: request.headers.get('x-request-id') ?? undefined }

	const params = (e.params ?? z.object({})).safeParse(rawParams)
	if (!params.success) return standardProblem('not_found', language, { headers: rateHeaders })
	const query = (e.query ?? z.object({}).strict()).safeParse(queryObject(new URL(request.url)))
	if (!query.success) return standardProblem('invalid', language, { errors: zodProblems(query.error, language, 'query'), headers: rateHeaders })

	let body: unknown
	let bodyText = ''
	if (e.method === 'post') {
		const read = await readJsonBody(request, language)
		if (!read.ok) return read.response
		bodyText = read.text
		const parsed = (e.body ?? z.undefined()).safeParse(read.value)
		if (!parsed.success) return standardProblem('invalid', language, { errors: zodProblems(parsed.error, language), headers: rateHeaders })
		body = parsed.data
	}

	// Idempotency-Key: replay the first response for the same key and request.
	const key = e.idempotent ? request.headers.get('idempotency-key')?.trim() : undefined
	const requestLine = `${e.method.toUpperCase()} ${new URL(request.url).pathname}`
	const requestHash = sha256(`${requestLine}\n${bodyText}`)
	if (key !== undefined) {
		if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(key))
			return standardProblem('invalid', language, { errors: [{ field: 'Idempotency-Key', code: 'invalid', message: language === 'en' ? 'Use 1–100 letters, digits or _ . : -' : '须为 1–100 个字母、数字或 _ . : -' }] })
		// Reserve the key first (status 0 = in progress), so two copies of one request arriving
		// together cannot both run: the second sees the reservation.
		try {
			await db.insertInto('apiIdempotency').values({ tokenId: check.tokenId, idempotencyKey: key, request: requestLine.slice(0, 300), requestHash, status: 0, response: '', createdAt: now }).execute()
		} catch {
			const seen = await db.selectFrom('apiIdempotency').selectAll().where('tokenId', '=', check.tokenId).where('idempotencyKey', '=', key).executeTakeFirst()
			if (!seen || seen.requestHash !== requestHash) return standardProblem('idempotency_key_reused', language, { headers: rateHeaders })
			if (seen.status === 0) return standardProblem('conflict', language, { detail: language === 'en' ? 'The first request with this Idempotency-Key is still running; retry shortly.' : '使用该 Idempotency-Key 的首个请求仍在处理中，请稍后重试。', headers: { ...rateHeaders, 'Retry-After': '1' } })
			return new Response(seen.response, { status: seen.status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Idempotent-Replayed': 'true', ...rateHeaders } })
		}
	}
	const release = async () => {
		if (key !== undefined) await db.deleteFrom('apiIdempotency').where('tokenId', '=', check.tokenId).where('idempotencyKey', '=', key).where('status', '=', 0).execute()
	}

	let result: ApiResult
	try {
		result = await e.handler({ db, actor, scope: check.scope, params: params.data, query: query.data, body, request, language, now })
	} catch (error) {
		// A refused request is not remembered: fixing the input and retrying with the key works.
		await release()
		const response = problemFromError(error, language)
		for (const [k, v] of Object.entries(rateHeaders)) response.headers.set(k, v)
		return response
	}
	const status = result.status ?? e.status ?? 200
	const json = JSON.stringify(result.body)
	const headers = { ...rateHeaders, ...result.headers }
	if (key !== undefined) {
		await db.updateTable('apiIdempotency').set({ status, response: json }).where('tokenId', '=', check.tokenId).where('idempotencyKey', '=', key).execute()
	}
	if (e.method === 'get') return withEtag(request, json, status, headers)
	return new Response(json, { status, headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers } })
}

// ---------------------------------------------------------------------------------------------
// Cursor pagination: an opaque cursor naming the last id of the previous page (ids are
// time-ordered, lists run newest first).

export const PAGE_LIMIT_DEFAULT = 20
export const PAGE_LIMIT_MAX = 100

export const PageQuery = {
	cursor: z.string().max(200).optional().describe('The `nextCursor` of the previous page.'),
	limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT).describe(`Items per page, 1–${PAGE_LIMIT_MAX}.`),
}

export function encodeCursor(id: string): string {
	return Buffer.from(JSON.stringify({ id }), 'utf8').toString('base64url')
}

/** The id a cursor names; undefined for none; throws a field error for a forged one. */
export function decodeCursor(cursor: string | undefined): string | undefined {
	if (!cursor) return undefined
	try {
		const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown }
		if (typeof value.id === 'string' && /^[0-9A-Z]{1,26}$/.test(value.id)) return value.id
	} catch {}
	throw AppError.invalid({ 'query.cursor': 'api.errors.cursor' })
}

/** Slices a page fetched with limit + 1 rows into items and the next cursor. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
	const items = rows.slice(0, limit)
	return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1].id) : null }
}

export function pageSchema<T extends z.ZodType>(item: T) {
	return z.object({ items: z.array(item), nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.') })
}
