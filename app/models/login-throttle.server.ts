import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'

// Failed log-ins allowed in the window before further tries are refused until the oldest
// failure leaves the window. Per account to stop guessing one password, per IP to stop
// spraying many accounts from one place. A success clears the account's count.
export const THROTTLE = {
	windowMs: 15 * 60_000,
	maxPerAccount: 5,
	maxPerIp: 30,
}

// Sign-ups from one IP: at most this many per hour, recorded in the same table under the key
// SIGNUP_KEY (as successes, so they never count towards the log-in limits).
export const SIGNUP_THROTTLE = { windowMs: 60 * 60_000, maxPerIp: 5 }
const SIGNUP_KEY = '(signup)'

/** Refuses a sign-up when the IP has made SIGNUP_THROTTLE.maxPerIp in the last hour (field `email`). */
export async function assertSignupAllowed(db: Kysely<DB>, ip: string, now = Date.now()) {
	const rows = await db
		.selectFrom('loginAttempt')
		.select('createdAt')
		.where('accountKey', '=', SIGNUP_KEY)
		.where('ip', '=', ip)
		.where('createdAt', '>', now - SIGNUP_THROTTLE.windowMs)
		.orderBy('createdAt', 'desc')
		.limit(SIGNUP_THROTTLE.maxPerIp)
		.execute()
	if (rows.length >= SIGNUP_THROTTLE.maxPerIp) {
		const minutes = Math.max(1, Math.ceil((Number(rows[rows.length - 1].createdAt) + SIGNUP_THROTTLE.windowMs - now) / 60_000))
		throw new AppError('throttled', msg('errors.signup_throttled', { minutes }), { email: msg('errors.signup_throttled', { minutes }) })
	}
}

export async function recordSignup(db: Kysely<DB>, ip: string, now = Date.now()) {
	await db.insertInto('loginAttempt').values({ id: newId(now), accountKey: SIGNUP_KEY, ip, succeeded: 1, createdAt: now }).execute()
}

/** Failures counted against the account now (after recording one): for telling the owner of a lockout. */
export async function accountFailuresInWindow(db: Kysely<DB>, accountKey: string, now = Date.now()) {
	return (await failuresSince(db, 'accountKey', accountKey, now - THROTTLE.windowMs)).length
}

async function failuresSince(db: Kysely<DB>, column: 'accountKey' | 'ip', value: string, since: number) {
	const rows = await db
		.selectFrom('loginAttempt')
		.select(['succeeded', 'createdAt'])
		.where(column, '=', value)
		.where('createdAt', '>', since)
		.orderBy('createdAt', 'desc')
		.limit(200)
		.execute()
	const failures: number[] = []
	for (const row of rows) {
		// For an account, a success resets the count; an IP's count only ages out.
		if (row.succeeded && column === 'accountKey') break
		if (!row.succeeded) failures.push(row.createdAt)
	}
	return failures
}

export async function assertLoginAllowed(db: Kysely<DB>, key: { accountKey: string; ip: string }, now = Date.now()) {
	const since = now - THROTTLE.windowMs
	const byAccount = await failuresSince(db, 'accountKey', key.accountKey, since)
	const byIp = await failuresSince(db, 'ip', key.ip, since)
	for (const [failures, max, message] of [
		[byAccount, THROTTLE.maxPerAccount, 'errors.login_throttled_account'],
		[byIp, THROTTLE.maxPerIp, 'errors.login_throttled_ip'],
	] as const) {
		if (failures.length >= max) {
			const oldestCounted = failures[max - 1]
			const minutes = Math.max(1, Math.ceil((oldestCounted + THROTTLE.windowMs - now) / 60_000))
			throw new AppError('throttled', msg(message, { minutes }), { identifier: msg(message, { minutes }) })
		}
	}
}

export async function recordLoginAttempt(
	db: Kysely<DB>,
	attempt: { accountKey: string; ip: string; succeeded: boolean },
	now = Date.now(),
) {
	await db
		.insertInto('loginAttempt')
		.values({ id: newId(now), accountKey: attempt.accountKey, ip: attempt.ip, succeeded: attempt.succeeded ? 1 : 0, createdAt: now })
		.execute()
}

/** Old attempts are only needed for the window; the job runner calls this. */
export async function pruneLoginAttempts(db: Kysely<DB>, now = Date.now()) {
	await db.deleteFrom('loginAttempt').where('createdAt', '<', now - 24 * 3600_000).execute()
}
