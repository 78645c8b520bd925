// Two-way feedback once a delivery is verified: the village rates the provider, the provider rates
// the village (1–5 and a comment), each side once. The second one closes the commitment.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { type FeedbackInput, FeedbackSchema } from '../commitment.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import type { Actor } from '../policy.server.ts'
import { assertCommitmentPermitted, commitmentSideScope } from './authorize-commitment.server.ts'
import { requeueForSearch } from './notify-commitment.server.ts'
import { lockCommitment } from './transition-commitment.server.ts'

/**
 * Leaves the feedback of `side` ('village': owner/admin of the village org about the provider;
 * 'provider': owner/admin of the provider org about the village) on a verified commitment. When
 * both sides have spoken the commitment closes in the same transaction; `closed` says so.
 */
export async function giveFeedback(db: Kysely<DB>, commitmentId: string, raw: FeedbackInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(FeedbackSchema, raw)
	return db.transaction().execute(async (trx) => {
		// Locked, so the two sides' feedback are counted one after the other.
		const c = await lockCommitment(trx, commitmentId)
		if (!c) throw AppError.notFound('errors.commitment_not_found')
		const touched = await trx
			.updateTable('commitment')
			.set({ updatedAt: now })
			.where('id', '=', commitmentId)
			.where('status', '=', 'verified')
			.where(commitmentSideScope(actor, input.side))
			.executeTakeFirst()
		const given = await trx.selectFrom('commitmentFeedback').select('side').where('commitmentId', '=', commitmentId).execute()
		if (Number(touched.numUpdatedRows) === 0) {
			await assertCommitmentPermitted(trx, c, actor, input.side)
			if (given.some((g) => g.side === input.side)) throw AppError.conflict('errors.feedback_given')
			throw AppError.conflict('errors.commitment_not_verified')
		}
		if (given.some((g) => g.side === input.side)) throw AppError.conflict('errors.feedback_given')
		await trx
			.insertInto('commitmentFeedback')
			.values({ commitmentId, side: input.side, rating: input.rating, comment: input.comment, createdBy: actor.accountId, createdAt: now })
			.execute()
		const actorOrgId = input.side === 'provider' ? c.providerOrgId : c.villageOrgId
		await recordEvent(
			trx,
			{ entityType: 'commitment', entityId: commitmentId, action: 'feedback', fromState: 'verified', toState: 'verified', note: `${input.side}:${input.rating}`, actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId },
			now,
		)
		if (given.length + 1 < 2) return { side: input.side, closed: false }
		await trx.updateTable('commitment').set({ status: 'closed', closedAt: now, updatedAt: now }).where('id', '=', commitmentId).where('status', '=', 'verified').execute()
		await recordEvent(
			trx,
			{ entityType: 'commitment', entityId: commitmentId, action: 'close', fromState: 'verified', toState: 'closed', note: 'both sides gave feedback', actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId },
			now,
		)
		await requeueForSearch(trx, c, now)
		return { side: input.side, closed: true }
	})
}
