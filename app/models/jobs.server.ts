import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { pruneLoginAttempts } from './login-throttle.server.ts'
import { expireNeeds } from './need.server.ts'
import { expireOffers } from './offer.server.ts'

/**
 * The periodic housekeeping. Every step is a conditional update or delete, so two runners at
 * once (two server processes, or `npm run jobs` beside a server) do no harm: a row changes once.
 */
export async function runPeriodicJobs(db: Kysely<DB>, now = Date.now()) {
	const expiredNeeds = await expireNeeds(db, now)
	const expiredOffers = await expireOffers(db, now)
	await pruneLoginAttempts(db, now)
	const sessions = await db.deleteFrom('session').where('expiresAt', '<=', now).executeTakeFirst()
	return { expiredNeeds, expiredOffers, expiredSessions: Number(sessions.numDeletedRows) }
}
