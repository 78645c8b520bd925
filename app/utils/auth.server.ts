// Sessions for Remix: lucia 3 behind a few functions (createLoginSession, getAuth, logout…), so
// replacing lucia later touches this file and the adapter only.
import { redirect } from '@remix-run/node'
import type { Kysely } from 'kysely'
import { Lucia, TimeSpan } from 'lucia'
import type { DB } from '#db/schema.ts'
import { type Actor, loadActor } from '#app/models/policy.server.ts'
import { getDb } from './db.server.ts'
import { getEnv } from './env.server.ts'
import { KyselyLuciaAdapter } from './lucia-adapter.server.ts'

export function createLucia(db: () => Kysely<DB>, options: { secure: boolean }) {
	return new Lucia(new KyselyLuciaAdapter(db), {
		sessionExpiresIn: new TimeSpan(30, 'd'),
		sessionCookie: {
			name: 'bangfu_session',
			// The database decides when a session ends; the cookie itself does not expire early.
			expires: false,
			attributes: { secure: options.secure, sameSite: 'lax' },
		},
		getUserAttributes: (a) => ({
			username: a.username,
			displayName: a.displayName,
			email: a.email,
			isNationalAdmin: a.isNationalAdmin === 1,
			locale: a.locale,
		}),
		getSessionAttributes: (a) => ({ ip: a.ip, userAgent: a.userAgent }),
	})
}

declare module 'lucia' {
	interface Register {
		Lucia: ReturnType<typeof createLucia>
		DatabaseUserAttributes: { username: string; displayName: string; email: string; isNationalAdmin: number; locale: string }
		DatabaseSessionAttributes: { ip: string | null; userAgent: string | null }
	}
}

let lucia: ReturnType<typeof createLucia> | undefined
export function getLucia() {
	lucia ??= createLucia(getDb, { secure: getEnv().isProduction && process.env.INSECURE_COOKIES !== '1' })
	return lucia
}

export function clientIp(request: Request): string {
	// Behind a proxy set TRUST_PROXY=1 so X-Forwarded-For is believed; otherwise it is ignored.
	if (process.env.TRUST_PROXY === '1') {
		const forwarded = request.headers.get('x-forwarded-for')?.split(',')[0]?.trim()
		if (forwarded) return forwarded.slice(0, 64)
	}
	return (request.headers.get('x-bangfu-remote-addr') ?? 'local').slice(0, 64)
}

/** Starts a fresh session (a new id at every login) and returns the Set-Cookie header. */
export async function createLoginSession(accountId: string, request: Request): Promise<string> {
	const l = getLucia()
	const session = await l.createSession(accountId, { ip: clientIp(request), userAgent: request.headers.get('user-agent') })
	return l.createSessionCookie(session.id).serialize()
}

export type Auth = {
	sessionId: string
	account: { id: string; username: string; displayName: string; email: string; isNationalAdmin: boolean; locale: string }
}

export async function getAuth(request: Request): Promise<Auth | null> {
	const l = getLucia()
	const id = l.readSessionCookie(request.headers.get('cookie') ?? '')
	if (!id) return null
	const { session, user } = await l.validateSession(id)
	if (!session || !user) return null
	return { sessionId: session.id, account: user }
}

function loginRedirect(request: Request): never {
	const url = new URL(request.url)
	const to = url.pathname + url.search
	throw redirect(`/login?redirectTo=${encodeURIComponent(to)}`)
}

export async function requireAuth(request: Request): Promise<Auth> {
	const auth = await getAuth(request)
	if (!auth) loginRedirect(request)
	return auth
}

export type SignedInActor = Actor & { sessionId: string }
export type RequestContext = { db: Kysely<DB>; actor: SignedInActor | null }

/**
 * What a loader or action needs: the database handle to pass to model functions and who is
 * asking (null when signed out). Routes get the handle only from here.
 */
export async function getRequestContext(request: Request): Promise<RequestContext> {
	const db = getDb()
	const auth = await getAuth(request)
	if (!auth) return { db, actor: null }
	const actor = await loadActor(db, auth.account.id)
	if (!actor) return { db, actor: null }
	return { db, actor: { ...actor, sessionId: auth.sessionId, requestId: request.headers.get('x-request-id') ?? undefined } }
}

/** Like getRequestContext, but a signed-out visitor is sent to the login page. */
export async function requireActor(request: Request): Promise<{ db: Kysely<DB>; actor: SignedInActor }> {
	const { db, actor } = await getRequestContext(request)
	if (!actor) loginRedirect(request)
	return { db, actor }
}

/** For pages that need a database but no account (public pages, login, sign-up). */
export function publicContext(): { db: Kysely<DB> } {
	return { db: getDb() }
}

export async function logout(request: Request, options: { everywhere?: boolean } = {}): Promise<string> {
	const l = getLucia()
	const auth = await getAuth(request)
	if (auth) {
		if (options.everywhere) await l.invalidateUserSessions(auth.account.id)
		else await l.invalidateSession(auth.sessionId)
	}
	return l.createBlankSessionCookie().serialize()
}
