// Personal API tokens for /api/v1 (docs/api.md). A token is shown once, when it is created; only
// its SHA-256 hash is stored, so a leaked database does not leak working tokens. A token acts as
// its account (the same permissions as the interface), limited by its scope: 'read' tokens cannot
// write. Tokens expire (at most a year) and can be revoked at any time by their owner.
import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { ApiTokenScope, DB } from '#db/schema.ts'
import { DAY_MS } from '#app/utils/china-date.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'

export const TOKEN_PREFIX = 'bfk_'
export const API_TOKEN_SCOPES: readonly ApiTokenScope[] = ['read', 'read_write']
export const MAX_ACTIVE_TOKENS = 20
export const MAX_TOKEN_DAYS = 365
/** Requests per token per minute. */
export const API_RATE_LIMIT = 120
const RATE_WINDOW_MS = 60_000

export const CreateApiTokenSchema = z.object({
	name: z.string({ error: 'validation.required' }).trim().min(1, { error: 'validation.required' }).max(100, { error: 'validation.too_long' }),
	scope: z.enum(['read', 'read_write'], { error: 'api.errors.scope' }),
	expiresInDays: z.coerce
		.number({ error: 'api.errors.expiry' })
		.int({ error: 'api.errors.expiry' })
		.min(1, { error: 'api.errors.expiry' })
		.max(MAX_TOKEN_DAYS, { error: 'api.errors.expiry' }),
})
export type CreateApiTokenInput = z.input<typeof CreateApiTokenSchema>

export function hashToken(token: string): string {
	return createHash('sha256').update(token, 'utf8').digest('hex')
}

/**
 * Creates a token for the account. Returns the token itself: the only time it exists outside the
 * caller's hands. Refuses a 21st active token.
 */
export async function createApiToken(db: Kysely<DB>, accountId: string, raw: CreateApiTokenInput | Record<string, unknown>, now = Date.now()) {
	const parsed = CreateApiTokenSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const { name, scope, expiresInDays } = parsed.data
	const active = await db
		.selectFrom('apiToken')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('accountId', '=', accountId)
		.where('revokedAt', 'is', null)
		.where('expiresAt', '>', now)
		.executeTakeFirstOrThrow()
	if (Number(active.n) >= MAX_ACTIVE_TOKENS) throw AppError.conflict(msg('api.errors.too_many_tokens', { max: MAX_ACTIVE_TOKENS }))
	const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
	const id = newId(now)
	const expiresAt = now + expiresInDays * DAY_MS
	await db
		.insertInto('apiToken')
		.values({ id, accountId, name, tokenHash: hashToken(token), prefix: token.slice(0, 10), scope, expiresAt, lastUsedAt: null, revokedAt: null, createdAt: now })
		.execute()
	return { id, token, name, scope, expiresAt }
}

/** The account's tokens, newest first, without their hashes. */
export async function listApiTokens(db: Kysely<DB>, accountId: string, now = Date.now()) {
	const rows = await db
		.selectFrom('apiToken')
		.select(['id', 'name', 'prefix', 'scope', 'expiresAt', 'lastUsedAt', 'revokedAt', 'createdAt'])
		.where('accountId', '=', accountId)
		.orderBy('createdAt', 'desc')
		.orderBy('id', 'desc')
		.execute()
	return rows.map((r) => ({ ...r, state: r.revokedAt !== null ? ('revoked' as const) : r.expiresAt <= now ? ('expired' as const) : ('active' as const) }))
}

/** Revokes one of the account's own tokens (another account's id is not found). Idempotent. */
export async function revokeApiToken(db: Kysely<DB>, accountId: string, tokenId: string, now = Date.now()) {
	const row = await db.selectFrom('apiToken').select(['id', 'revokedAt']).where('id', '=', tokenId).where('accountId', '=', accountId).executeTakeFirst()
	if (!row) throw AppError.notFound()
	if (row.revokedAt === null) await db.updateTable('apiToken').set({ revokedAt: now }).where('id', '=', tokenId).where('accountId', '=', accountId).execute()
}

export type TokenCheck = { ok: true; tokenId: string; accountId: string; scope: ApiTokenScope } | { ok: false; reason: 'malformed' | 'unknown' | 'expired' | 'revoked' }

/** Looks a presented token up by its hash. Marks it used (at most once a minute, to spare writes). */
export async function authenticateApiToken(db: Kysely<DB>, token: string, now = Date.now()): Promise<TokenCheck> {
	if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return { ok: false, reason: 'malformed' }
	const row = await db.selectFrom('apiToken').select(['id', 'accountId', 'scope', 'expiresAt', 'revokedAt', 'lastUsedAt']).where('tokenHash', '=', hashToken(token)).executeTakeFirst()
	if (!row) return { ok: false, reason: 'unknown' }
	if (row.revokedAt !== null) return { ok: false, reason: 'revoked' }
	if (row.expiresAt <= now) return { ok: false, reason: 'expired' }
	if (row.lastUsedAt === null || now - Number(row.lastUsedAt) > 60_000) await db.updateTable('apiToken').set({ lastUsedAt: now }).where('id', '=', row.id).execute()
	return { ok: true, tokenId: row.id, accountId: row.accountId, scope: row.scope }
}

/**
 * Counts a request against the token's one-minute window. Portable without an upsert: update the
 * window's row; when there is none, insert it, and if another request inserted it first (duplicate
 * key), update again.
 */
export async function countApiRequest(db: Kysely<DB>, tokenId: string, now = Date.now(), limit = API_RATE_LIMIT) {
	const windowStart = Math.floor(now / RATE_WINDOW_MS) * RATE_WINDOW_MS
	const bump = () =>
		db
			.updateTable('apiRate')
			.set((eb) => ({ count: eb('count', '+', 1) }))
			.where('tokenId', '=', tokenId)
			.where('windowStart', '=', windowStart)
			.executeTakeFirst()
	if (Number((await bump()).numUpdatedRows) === 0) {
		try {
			await db.insertInto('apiRate').values({ tokenId, windowStart, count: 1 }).execute()
		} catch {
			await bump()
		}
	}
	const row = await db.selectFrom('apiRate').select('count').where('tokenId', '=', tokenId).where('windowStart', '=', windowStart).executeTakeFirstOrThrow()
	const count = Number(row.count)
	// Old windows are of no use: drop this token's, now and then.
	if (count === 1) await db.deleteFrom('apiRate').where('tokenId', '=', tokenId).where('windowStart', '<', windowStart).execute()
	return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetAt: windowStart + RATE_WINDOW_MS }
}
