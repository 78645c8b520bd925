// The lapse job: a pledge the village has not answered by its lapse_at (created + N days,
// COMMITMENT_LAPSE_DAYS) lapses. Both sides are told.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { recordEvent } from '../event.server.ts'
import { notifyCommitment, requeueForSearch } from './notify-commitment.server.ts'

const BATCH = 200

/**
 * Lapses pledged commitments whose lapse_at has passed at `now`. Each is its own guarded update
 * (still pledged, still due), so an acceptance that lands meanwhile wins and a second runner
 * changes nothing. Returns how many lapsed. Safe to run often and twice at once.
 */
export async function lapseCommitments(db: Kysely<DB>, now = Date.now()): Promise<number> {
	let lapsed = 0
	let after = ''
	for (;;) {
		const due = await db
			.selectFrom('commitment')
			.select(['id', 'needId', 'offerId', 'providerOrgId', 'villageOrgId', 'amount'])
			.where('status', '=', 'pledged')
			.where('lapseAt', '<=', now)
			.where('id', '>', after)
			.orderBy('id')
			.limit(BATCH)
			.execute()
		if (!due.length) break
		after = due[due.length - 1].id
		for (const c of due) {
			await db.transaction().execute(async (trx) => {
				const result = await trx
					.updateTable('commitment')
					.set({ status: 'lapsed', updatedAt: now })
					.where('id', '=', c.id)
					.where('status', '=', 'pledged')
					.where('lapseAt', '<=', now)
					.executeTakeFirst()
				if (Number(result.numUpdatedRows) === 0) return
				// No actor: the system lapses it.
				await recordEvent(trx, { entityType: 'commitment', entityId: c.id, action: 'lapse', fromState: 'pledged', toState: 'lapsed' }, now)
				await requeueForSearch(trx, c, now)
				await notifyCommitment(trx, { ...c, amount: Number(c.amount) }, 'commitment_lapsed', ['provider', 'village'], null, now)
				lapsed++
			})
		}
		if (due.length < BATCH) break
	}
	return lapsed
}
