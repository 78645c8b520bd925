import type { Kysely } from 'kysely'
import type { DB, SearchEntityType } from '#db/schema.ts'
import { newId } from '#app/utils/id.ts'

/**
 * Marks a searchable record for (re)indexing. Call it in the same transaction as the change, so a
 * committed change is always eventually indexed, and an engine outage never fails the write. The
 * drain (drain.server.ts) reads the record as it then is: gone or not public means removal.
 */
export async function enqueueSearch(db: Kysely<DB>, entityType: SearchEntityType, entityId: string, now = Date.now()) {
	await db.insertInto('searchOutbox').values({ id: newId(now), entityType, entityId, nextAttemptAt: now, lastError: null, createdAt: now }).execute()
}
