// Helpers for loader/action tests. Routes take their database from getDb() (a process-global
// handle), so a route test installs a fresh migrated database as that handle:
//
//   const ctx = useGlobalTestDb()
//   it('…', async () => {
//     const account = await makeAccount(ctx.db)
//     const res = await runRoute(action, await requestAs(account.id, '/orgs/new', { form: { kind: 'village' } }))
//     expect(res.status).toBe(400)
//   })
import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node'
import { afterAll, beforeAll } from 'vitest'
import { createLoginSession } from '#app/utils/auth.server.ts'
import type { Database, DbHandle, Dialect } from '#app/utils/db.server.ts'
import { createTestDb } from './db.ts'

// NOTE: the same global name as app/utils/db.server.ts uses for its process-wide handle.
const globalForDb = globalThis as unknown as { __bangfuDb?: DbHandle }

/**
 * Registers beforeAll/afterAll hooks that make a fresh, migrated database the process-global
 * handle the routes use, and close it afterwards. SQLite in memory unless told otherwise.
 */
export function useGlobalTestDb(dialect: Dialect = 'sqlite'): { readonly db: Database } {
	let handle: (DbHandle & { drop: () => Promise<void> }) | undefined
	let previous: DbHandle | undefined
	beforeAll(async () => {
		handle = await createTestDb(dialect)
		previous = globalForDb.__bangfuDb
		globalForDb.__bangfuDb = handle
	}, 60_000)
	afterAll(async () => {
		if (globalForDb.__bangfuDb === handle) globalForDb.__bangfuDb = previous
		await handle?.drop()
	})
	return {
		get db() {
			if (!handle) throw new Error('test database not ready (use ctx.db inside tests or hooks)')
			return handle.db
		},
	}
}

type FormValue = string | number | boolean | null | undefined | Array<string | number>

/**
 * A Request for `url` (a path is resolved against http://localhost), signed in as `accountId`
 * through a real session (null: anonymous). With `form`, a POST (unless `method` says otherwise)
 * with that object as an urlencoded body; arrays repeat the key, null/undefined are left out.
 */
export async function requestAs(
	accountId: string | null,
	url: string,
	init: { method?: string; form?: Record<string, FormValue>; headers?: Record<string, string> } = {},
): Promise<Request> {
	const href = new URL(url, 'http://localhost').toString()
	const headers = new Headers(init.headers)
	if (accountId) {
		const setCookie = await createLoginSession(accountId, new Request(href))
		headers.set('cookie', setCookie.split(';')[0])
	}
	let body: URLSearchParams | undefined
	if (init.form) {
		body = new URLSearchParams()
		for (const [key, value] of Object.entries(init.form)) {
			if (value === null || value === undefined) continue
			for (const v of Array.isArray(value) ? value : [value]) body.append(key, String(v))
		}
		headers.set('content-type', 'application/x-www-form-urlencoded')
	}
	return new Request(href, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body })
}

export type RouteResult<T = unknown> = {
	/** The HTTP status the response would have. */
	status: number
	/** The redirect target, if any. */
	location: string | null
	headers: Headers
	/** What the loader/action returned or threw as data (a Response's body is not read). */
	data: T
	/** Whether it was thrown (redirects, 404/403 pages) rather than returned. */
	thrown: boolean
}

function isDataWithInit(value: unknown): value is { type: string; data: unknown; init: ResponseInit | null } {
	return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'DataWithResponseInit'
}

function toResult(value: unknown, thrown: boolean): RouteResult<any> {
	if (value instanceof Response) {
		return { status: value.status, location: value.headers.get('location'), headers: value.headers, data: null, thrown }
	}
	if (isDataWithInit(value)) {
		const headers = new Headers(value.init?.headers)
		return { status: value.init?.status ?? 200, location: headers.get('location'), headers, data: value.data, thrown }
	}
	return { status: 200, location: null, headers: new Headers(), data: value, thrown }
}

/**
 * Calls a loader or action the way Remix would and normalizes what it returns or throws
 * (Response, data(), or a plain value) into a RouteResult. Other errors are rethrown.
 */
export async function runRoute<T = any>(
	fn: (args: LoaderFunctionArgs & ActionFunctionArgs) => unknown,
	request: Request,
	params: Record<string, string> = {},
): Promise<RouteResult<T>> {
	try {
		return toResult(await fn({ request, params, context: {} }), false)
	} catch (error) {
		if (error instanceof Response || isDataWithInit(error)) return toResult(error, true)
		throw error
	}
}
