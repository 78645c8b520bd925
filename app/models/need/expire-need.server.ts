// The expiry job: a published need whose needed-by day and grace period have passed expires. The
// village may bring it back with reconfirmNeed.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { recordEvent } from '../event.server.ts'

const DAY = 86_400_000
export const DEFAULT_NEED_EXPIRY_GRACE_DAYS = 14
const BATCH = 200

/** NEED_EXPIRY_GRACE_DAYS (whole days ≥ 0), else 14. */
export function needExpiryGraceDays(source: Record<string, string | undefined> = process.env): number {
	const raw = source.NEED_EXPIRY_GRACE_DAYS?.trim()
	if (!raw || !/^\d{1,4}$/.test(raw)) return DEFAULT_NEED_EXPIRY_GRACE_DAYS
	return Number(raw)
}

/**
 * Expires published needs whose needed-by day (a China midnight) plus `graceDays` full days has
 * passed at `now`. Each need is its own guarded update (status still published, date still past),
 * so a reconfirm that lands meanwhile wins. Returns how many needs expired. Safe to run often.
 */
export async function expireNeeds(db: Kysely<DB>, now = Date.now(), options: { graceDays?: number } = {}): Promise<number> {
	const graceDays = options.graceDays ?? needExpiryGraceDays()
	// neededBy is the start of the needed-by day; that whole day counts, then the grace days.
	const cutoff = now - (graceDays + 1) * DAY
	let expired = 0
	let after = ''
	for (;;) {
		const due = await db
			.selectFrom('need')
			.select('id')
			.where('status', '=', 'published')
			.where('neededBy', '<=', cutoff)
			.where('id', '>', after)
			.orderBy('id')
			.limit(BATCH)
			.execute()
		if (!due.length) break
		after = due[due.length - 1].id
		await db.transaction().execute(async (trx) => {
			for (const { id } of due) {
				const result = await trx
					.updateTable('need')
					.set({ status: 'expired', updatedAt: now })
					.where('id', '=', id)
					.where('status', '=', 'published')
					.where('neededBy', '<=', cutoff)
					.executeTakeFirst()
				if (Number(result.numUpdatedRows) === 0) continue
				await recordEvent(trx, { entityType: 'need', entityId: id, action: 'expire', fromState: 'published', toState: 'expired' }, now)
				await enqueueSearch(trx, 'need', id, now)
				expired++
			}
		})
		if (due.length < BATCH) break
	}
	return expired
}
