import { hash, verify } from '@node-rs/argon2'
import type { Kysely } from 'kysely'
import type { Account, DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors, passwordProblem } from '#app/utils/validation.ts'
import { ChangePasswordSchema, type ChangePasswordInput, SignupSchema, type SignupInput } from './account.schema.ts'
import { recordEvent } from './event.server.ts'
import { THROTTLE, accountFailuresInWindow, assertLoginAllowed, assertSignupAllowed, recordLoginAttempt, recordSignup } from './login-throttle.server.ts'
import { notify } from './notification.server.ts'

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. @node-rs/argon2 defaults to argon2id.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 }

export function hashPassword(password: string): Promise<string> {
	return hash(password, ARGON2)
}

// Verifying against this when no account matches keeps failed logins equally slow either way.
let dummyHash: Promise<string> | undefined

export type PublicAccount = Pick<Account, 'id' | 'email' | 'username' | 'displayName' | 'isNationalAdmin' | 'locale'>

function isDuplicateKey(error: unknown): boolean {
	const e = error as { code?: string; message?: string }
	return e?.code === 'ER_DUP_ENTRY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '')
}

export async function createAccount(
	db: Kysely<DB>,
	raw: SignupInput | Record<string, unknown>,
	options: { isNationalAdmin?: boolean; now?: number; ip?: string } = {},
): Promise<PublicAccount> {
	const parsed = SignupSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	// Sign-ups through the web form are limited per IP (scripts and tests pass no ip).
	if (options.ip) await assertSignupAllowed(db, options.ip, options.now)
	const input = parsed.data
	const personal = passwordProblem(input.password, [input.username, input.email.split('@')[0]])
	if (personal) throw AppError.invalid({ password: personal })

	const taken = await db
		.selectFrom('account')
		.select(['email', 'username'])
		.where((eb) => eb.or([eb('email', '=', input.email), eb('username', '=', input.username)]))
		.execute()
	const fields: Record<string, string> = {}
	if (taken.some((a) => a.email === input.email)) fields.email = 'errors.email_taken'
	if (taken.some((a) => a.username === input.username)) fields.username = 'errors.username_taken'
	if (Object.keys(fields).length) throw AppError.invalid(fields)

	const now = options.now ?? Date.now()
	const account = {
		id: newId(now),
		email: input.email,
		username: input.username,
		displayName: input.displayName,
		passwordHash: await hashPassword(input.password),
		isNationalAdmin: options.isNationalAdmin ? 1 : 0,
		locale: 'zh-CN',
		createdAt: now,
		updatedAt: now,
	}
	try {
		await db.transaction().execute(async (trx) => {
			await trx.insertInto('account').values(account).execute()
			await recordEvent(trx, { entityType: 'account', entityId: account.id, action: 'sign_up', actorAccountId: account.id }, now)
			if (options.ip) await recordSignup(trx, options.ip, now)
		})
	} catch (error) {
		// Two sign-ups racing for the same name: the unique index decides.
		if (isDuplicateKey(error)) throw AppError.invalid({ email: 'errors.email_or_username_taken' })
		throw error
	}
	const { passwordHash: _, createdAt: __, updatedAt: ___, ...pub } = account
	return pub
}

export async function getAccount(db: Kysely<DB>, id: string): Promise<PublicAccount | undefined> {
	return db
		.selectFrom('account')
		.select(['id', 'email', 'username', 'displayName', 'isNationalAdmin', 'locale'])
		.where('id', '=', id)
		.executeTakeFirst()
}

export async function getAccountByEmail(db: Kysely<DB>, email: string) {
	return db
		.selectFrom('account')
		.select(['id', 'email', 'username', 'displayName', 'isNationalAdmin', 'locale'])
		.where('email', '=', email.trim().toLowerCase())
		.executeTakeFirst()
}

/**
 * Checks a log-in. Throttled per account and per IP (see login-throttle.server.ts) before the
 * password is even looked at; every attempt is recorded. The same message for an unknown
 * account and a wrong password, so the form does not reveal who has an account.
 */
export async function authenticate(
	db: Kysely<DB>,
	input: { identifier: string; password: string; ip: string },
	now = Date.now(),
): Promise<PublicAccount> {
	const typed = input.identifier.trim().toLowerCase()
	const row = await db
		.selectFrom('account')
		.select(['id', 'email', 'username', 'displayName', 'isNationalAdmin', 'locale', 'passwordHash'])
		.where((eb) => eb.or([eb('email', '=', typed), eb('username', '=', typed)]))
		.executeTakeFirst()
	// Count attempts under the email whether the user typed it or the username.
	const accountKey = row?.email ?? typed
	await assertLoginAllowed(db, { accountKey, ip: input.ip }, now)
	dummyHash ??= hashPassword('not-a-real-password-0')
	const ok = row ? await verify(row.passwordHash, input.password) : (await verify(await dummyHash, input.password), false)
	await recordLoginAttempt(db, { accountKey, ip: input.ip, succeeded: ok }, now)
	// The failure that locks the account out: tell its owner (inbox, and email when configured),
	// once per lockout, so a guessing attack does not go unnoticed.
	if (row && !ok && (await accountFailuresInWindow(db, accountKey, now)) === THROTTLE.maxPerAccount) {
		await notify(
			db,
			{ accountIds: [row.id], kind: 'login_locked', entityType: 'account', entityId: row.id, params: { minutes: THROTTLE.windowMs / 60_000, ip: input.ip }, dedupeKey: `login_locked:${row.id}:${Math.floor(now / THROTTLE.windowMs)}` },
			now,
		)
	}
	if (!row || !ok) throw AppError.invalid({ password: 'errors.login_failed' }, 'errors.login_failed')
	const { passwordHash: _, ...pub } = row
	return pub
}

/** Changes the password and ends every other session of the account (the current one stays). */
export async function changePassword(
	db: Kysely<DB>,
	raw: ChangePasswordInput | Record<string, unknown>,
	actor: { accountId: string; sessionId: string },
	now = Date.now(),
): Promise<{ endedSessions: number }> {
	const parsed = ChangePasswordSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const row = await db
		.selectFrom('account')
		.select(['passwordHash', 'username', 'email'])
		.where('id', '=', actor.accountId)
		.executeTakeFirst()
	if (!row) throw AppError.notFound()
	if (!(await verify(row.passwordHash, input.currentPassword))) {
		throw AppError.invalid({ currentPassword: 'errors.current_password_wrong' })
	}
	const personal = passwordProblem(input.newPassword, [row.username, row.email.split('@')[0]])
	if (personal) throw AppError.invalid({ newPassword: personal })
	if (input.newPassword === input.currentPassword) throw AppError.invalid({ newPassword: 'validation.password_unchanged' })
	const passwordHash = await hashPassword(input.newPassword)
	return db.transaction().execute(async (trx) => {
		await trx.updateTable('account').set({ passwordHash, updatedAt: now }).where('id', '=', actor.accountId).execute()
		const ended = await trx
			.deleteFrom('session')
			.where('accountId', '=', actor.accountId)
			.where('id', '<>', actor.sessionId)
			.executeTakeFirst()
		await recordEvent(trx, { entityType: 'account', entityId: actor.accountId, action: 'change_password', actorAccountId: actor.accountId }, now)
		return { endedSessions: Number(ended.numDeletedRows) }
	})
}

/** Sets a new password without the old one: for `npm run create-admin` on an existing account. */
export async function unsafeSetPassword(db: Kysely<DB>, accountId: string, password: string) {
	await db
		.updateTable('account')
		.set({ passwordHash: await hashPassword(password), updatedAt: Date.now() })
		.where('id', '=', accountId)
		.execute()
}

export async function setLocale(db: Kysely<DB>, accountId: string, locale: 'zh-CN' | 'en') {
	await db.updateTable('account').set({ locale }).where('id', '=', accountId).execute()
}

export async function listSessions(db: Kysely<DB>, accountId: string) {
	return db
		.selectFrom('session')
		.select(['id', 'createdAt', 'expiresAt', 'ip', 'userAgent'])
		.where('accountId', '=', accountId)
		.where('expiresAt', '>', Date.now())
		.orderBy('createdAt', 'desc')
		.execute()
}

/** Grants national-admin rights; only the create-admin command calls this (no actor to check). */
export async function unsafeMakeNationalAdmin(db: Kysely<DB>, accountId: string, now = Date.now()) {
	await db.transaction().execute(async (trx) => {
		await trx.updateTable('account').set({ isNationalAdmin: 1, updatedAt: now }).where('id', '=', accountId).execute()
		await recordEvent(trx, { entityType: 'account', entityId: accountId, action: 'make_national_admin', toState: 'national_admin', note: 'npm run create-admin' }, now)
	})
}
