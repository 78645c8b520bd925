// Verification by the officials of the village's jurisdiction (county or township, or a national
// admin: the same people who review its needs): delivered | disputed → verified, delivered →
// disputed with a reason. A verification that brings the need's verified total to its target
// closes the need in the same transaction.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { type DisputeCommitmentInput, DisputeCommitmentSchema, type VerifyCommitmentInput, VerifyCommitmentSchema } from '../commitment.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import type { Actor } from '../policy.server.ts'
import { verifiedForNeed } from './sum-commitment.server.ts'
import { type LockedNeed, transition } from './transition-commitment.server.ts'

/**
 * An official (county or township covering the village, or a national admin) verifies the
 * delivery. When the need's verified total reaches its target, the need is closed in the same
 * transaction (a system event, note 'fully verified'); `needClosed` says so.
 */
export async function verifyCommitment(db: Kysely<DB>, id: string, raw: VerifyCommitmentInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { note } = parseInput(VerifyCommitmentSchema, raw)
	return transition(
		db,
		id,
		{
			action: 'verify',
			from: ['delivered', 'disputed'],
			to: 'verified',
			side: 'official',
			conflict: 'errors.commitment_not_delivered',
			note,
			set: { verifiedAt: now, verifiedBy: actor.accountId, statusReason: null },
			lockNeed: true,
			notify: { kind: 'commitment_verified', sides: ['provider', 'village'] },
			after: async (trx, _c, { need }) => ({ needClosed: need ? await closeNeedIfFullyVerified(trx, need, now) : false }),
		},
		actor,
		now,
	)
}

/** An official refuses verification, with a reason; the village may confirm again or it may be re-verified. */
export async function disputeCommitment(db: Kysely<DB>, id: string, raw: DisputeCommitmentInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(DisputeCommitmentSchema, raw)
	return transition(
		db,
		id,
		{
			action: 'dispute',
			from: ['delivered'],
			to: 'disputed',
			side: 'official',
			conflict: 'errors.commitment_not_delivered',
			note: reason,
			set: { statusReason: reason },
			notify: { kind: 'commitment_disputed', sides: ['provider', 'village'] },
		},
		actor,
		now,
	)
}

/**
 * Closes a published need whose verified total has reached its target (the need row is locked
 * by the caller). A system change: no actor, note 'fully verified'. Returns whether it closed.
 */
async function closeNeedIfFullyVerified(trx: Kysely<DB>, need: LockedNeed, now: number): Promise<boolean> {
	if (need.status !== 'published') return false
	if ((await verifiedForNeed(trx, need.id)) < need.target) return false
	const result = await trx.updateTable('need').set({ status: 'closed', closedAt: now, statusNote: null, updatedAt: now }).where('id', '=', need.id).where('status', '=', 'published').executeTakeFirst()
	if (Number(result.numUpdatedRows) === 0) return false
	await recordEvent(trx, { entityType: 'need', entityId: need.id, action: 'close', fromState: 'published', toState: 'closed', note: 'fully verified' }, now)
	await enqueueSearch(trx, 'need', need.id, now)
	return true
}
