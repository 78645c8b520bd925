// The commitment lifecycle after the pledge (DOMAIN.md):
//   pledged → accepted (village) | declined (village, reason) | withdrawn (provider, reason) | lapsed (job)
//   accepted → in_delivery (provider) ; accepted | in_delivery → withdrawn (provider, reason)
//   in_delivery | disputed → delivered (village confirms what arrived, ≤ the amount)
//   delivered | disputed → verified, delivered → disputed: verify-commitment.server.ts
//   verified → closed once both sides left feedback (rate-commitment.server.ts)
// Each transition is one transaction: lock the row, one update whose where holds the expected
// status and the permission, then event, search outbox and notification. When the update changes
// nothing the cause is diagnosed in order not_found → forbidden → invalid (guard) → conflict, and
// nothing is written.
import { type Kysely, type RawBuilder, type SqlBool, type Transaction, type Updateable, sql } from 'kysely'
import type { CommitmentStatus, CommitmentTable, DB, Measure, NeedStatus } from '#db/schema.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import {
	type ConfirmDeliveryInput,
	type DeclineCommitmentInput,
	DeclineCommitmentSchema,
	type WithdrawCommitmentInput,
	WithdrawCommitmentSchema,
	confirmDeliverySchema,
	formatFigure,
} from '../commitment.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import type { NotificationKind } from '../notification.server.ts'
import type { Actor } from '../policy.server.ts'
import { type CommitmentSide, actorOrgFor, assertCommitmentPermitted, commitmentSideScope, commitmentVisibleScope } from './authorize-commitment.server.ts'
import { lockForUpdate } from './lock-commitment.server.ts'
import { notifyCommitment, requeueForSearch } from './notify-commitment.server.ts'
import { committedToNeed, committedToOffer } from './sum-commitment.server.ts'

/** The commitment row as a transition reads it (locked). */
export type LockedCommitment = {
	id: string
	needId: string
	offerId: string | null
	providerOrgId: string
	villageOrgId: string
	villageCode: string
	amount: number
	deliveredAmount: number | null
	status: CommitmentStatus
}
export type LockedNeed = { id: string; status: NeedStatus; target: number; measure: Measure; unit: string | null }
type LockedOffer = { id: string; capacity: number | null }

export type Locks = { need?: LockedNeed; offer?: LockedOffer }

export type Transition = {
	action: string
	from: readonly CommitmentStatus[]
	to: CommitmentStatus
	side: CommitmentSide
	/** i18n key of the conflict when the commitment is not in one of `from`. */
	conflict: string
	note?: string
	set?: Updateable<CommitmentTable>
	/** Lock the need (and the offer) row too: for checks and changes that read sums over them. */
	lockNeed?: boolean
	/** An extra condition on the row; when only it fails, `error` is thrown. */
	guard?: { where: RawBuilder<SqlBool>; holds: (c: LockedCommitment) => boolean; error: (c: LockedCommitment) => AppError }
	/** Runs after the update, locks held; throwing rolls everything back. */
	check?: (trx: Transaction<DB>, c: LockedCommitment, locks: Locks) => Promise<void>
	notify?: { kind: NotificationKind; sides: ReadonlyArray<'provider' | 'village'> }
	/** Runs last, inside the transaction (e.g. closing the need); its result is returned. */
	after?: (trx: Transaction<DB>, c: LockedCommitment, locks: Locks) => Promise<Record<string, unknown> | undefined>
}

export const COMMITMENT_COLUMNS = ['id', 'needId', 'offerId', 'providerOrgId', 'villageOrgId', 'villageCode', 'amount', 'deliveredAmount', 'status'] as const

/** Reads and locks (MySQL) the commitment row; the first statement of its transaction. */
export async function lockCommitment(trx: Kysely<DB>, id: string): Promise<LockedCommitment | undefined> {
	const row = await lockForUpdate(trx.selectFrom('commitment').select([...COMMITMENT_COLUMNS]).where('id', '=', id), trx).executeTakeFirst()
	if (!row) return undefined
	return { ...row, amount: Number(row.amount), deliveredAmount: row.deliveredAmount === null ? null : Number(row.deliveredAmount) }
}

async function lockNeedAndOffer(trx: Kysely<DB>, c: LockedCommitment): Promise<Locks> {
	const need = await lockForUpdate(trx.selectFrom('need').select(['id', 'status', 'target', 'measure', 'unit']).where('id', '=', c.needId), trx).executeTakeFirstOrThrow()
	const offer = c.offerId ? await lockForUpdate(trx.selectFrom('offer').select(['id', 'capacity']).where('id', '=', c.offerId), trx).executeTakeFirst() : undefined
	return {
		need: { ...need, target: Number(need.target) },
		offer: offer ? { id: offer.id, capacity: offer.capacity === null ? null : Number(offer.capacity) } : undefined,
	}
}

/** Applies one transition in its own transaction (see the header); returns from, status and `after`'s extras. */
export async function transition(db: Kysely<DB>, id: string, t: Transition, actor: Actor, now: number) {
	return db.transaction().execute(async (trx) => {
		// Lock order everywhere: commitment, need, offer (see lock-commitment.server.ts).
		const c = await lockCommitment(trx, id)
		if (!c) throw AppError.notFound('errors.commitment_not_found')
		const locks = t.lockNeed ? await lockNeedAndOffer(trx, c) : {}
		let update = trx
			.updateTable('commitment')
			.set({ ...t.set, status: t.to, updatedAt: now })
			.where('id', '=', id)
			// Pinned to the status just read, so the event's `from` is exact.
			.where('status', '=', c.status)
			.where('status', 'in', [...t.from])
			.where(commitmentSideScope(actor, t.side))
		if (t.guard) update = update.where(t.guard.where)
		const result = await update.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			await assertCommitmentPermitted(trx, c, actor, t.side)
			if (t.guard && t.from.includes(c.status) && !t.guard.holds(c)) throw t.guard.error(c)
			throw AppError.conflict(t.conflict)
		}
		await t.check?.(trx, c, locks)
		await recordEvent(
			trx,
			{
				entityType: 'commitment',
				entityId: id,
				action: t.action,
				fromState: c.status,
				toState: t.to,
				note: t.note ?? '',
				actorAccountId: actor.accountId,
				actorOrgId: actorOrgFor(actor, t.side, c),
				requestId: actor.requestId,
			},
			now,
		)
		await requeueForSearch(trx, c, now)
		if (t.notify) await notifyCommitment(trx, c, t.notify.kind, t.notify.sides, actor.accountId, now)
		const extra = (await t.after?.(trx, c, locks)) ?? {}
		return { from: c.status, status: t.to, ...extra }
	})
}

/**
 * The village (owner/admin) accepts a pledge. This is where the invariant holds: with the need
 * (and offer) rows locked, the accepted-or-later total may not exceed the need's target nor the
 * offer's capacity; otherwise a conflict naming what remains, and nothing is written. The need
 * must still be published.
 */
export async function acceptCommitment(db: Kysely<DB>, id: string, actor: Actor, now = Date.now()) {
	return transition(
		db,
		id,
		{
			action: 'accept',
			from: ['pledged'],
			to: 'accepted',
			side: 'village',
			conflict: 'errors.commitment_not_pledged',
			set: { acceptedAt: now, statusReason: null },
			lockNeed: true,
			check: async (trx, c, { need, offer }) => {
				if (!need || need.status !== 'published') throw AppError.conflict('errors.commitment_need_not_open')
				// The sums include this commitment, accepted a moment ago in this transaction.
				const committed = await committedToNeed(trx, c.needId)
				if (committed > need.target) {
					const remaining = Math.max(need.target - (committed - c.amount), 0)
					throw AppError.conflict(msg('errors.commit_exceeds_gap', { remaining: formatFigure(need.measure, remaining, need.unit) }))
				}
				if (offer && offer.capacity !== null) {
					const used = await committedToOffer(trx, offer.id)
					if (used > offer.capacity) {
						const remaining = Math.max(offer.capacity - (used - c.amount), 0)
						throw AppError.conflict(msg('errors.commit_exceeds_capacity', { remaining: formatFigure(need.measure, remaining, need.unit) }))
					}
				}
			},
			notify: { kind: 'commitment_accepted', sides: ['provider'] },
		},
		actor,
		now,
	)
}

/** The village (owner/admin) declines a pledge, with a reason. */
export async function declineCommitment(db: Kysely<DB>, id: string, raw: DeclineCommitmentInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(DeclineCommitmentSchema, raw)
	return transition(
		db,
		id,
		{
			action: 'decline',
			from: ['pledged'],
			to: 'declined',
			side: 'village',
			conflict: 'errors.commitment_not_pledged',
			note: reason,
			set: { statusReason: reason },
			notify: { kind: 'commitment_declined', sides: ['provider'] },
		},
		actor,
		now,
	)
}

/** The provider (owner/admin) withdraws before delivery, with a reason; an accepted amount is freed. */
export async function withdrawCommitment(db: Kysely<DB>, id: string, raw: WithdrawCommitmentInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(WithdrawCommitmentSchema, raw)
	return transition(
		db,
		id,
		{
			action: 'withdraw',
			from: ['pledged', 'accepted', 'in_delivery'],
			to: 'withdrawn',
			side: 'provider',
			conflict: 'errors.commitment_not_withdrawable',
			note: reason,
			set: { statusReason: reason },
			notify: { kind: 'commitment_withdrawn', sides: ['village'] },
		},
		actor,
		now,
	)
}

/** The provider (owner/admin) starts delivering an accepted commitment. */
export async function startDelivery(db: Kysely<DB>, id: string, actor: Actor, now = Date.now()) {
	return transition(
		db,
		id,
		{ action: 'start', from: ['accepted'], to: 'in_delivery', side: 'provider', conflict: 'errors.commitment_not_accepted', set: { deliveryStartedAt: now } },
		actor,
		now,
	)
}

/** The measure of a commitment's need, for parsing amounts; not_found when the actor may not see it. */
async function measureOf(db: Kysely<DB>, id: string, actor: Actor) {
	const row = await db
		.selectFrom('commitment')
		.innerJoin('need', 'need.id', 'commitment.needId')
		.select(['need.measure', 'need.unit'])
		.where('commitment.id', '=', id)
		.where(commitmentVisibleScope(actor))
		.executeTakeFirst()
	if (!row) throw AppError.notFound('errors.commitment_not_found')
	return row
}

/**
 * The village (owner/admin) confirms what arrived: more than 0 and at most the committed amount
 * (part delivery is allowed). From in_delivery, or from disputed to confirm again after an
 * official refused verification.
 */
export async function confirmDelivery(db: Kysely<DB>, id: string, raw: ConfirmDeliveryInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { measure, unit } = await measureOf(db, id, actor)
	const { deliveredAmount } = parseInput(confirmDeliverySchema({ measure }), raw)
	return transition(
		db,
		id,
		{
			action: 'deliver',
			from: ['in_delivery', 'disputed'],
			to: 'delivered',
			side: 'village',
			conflict: 'errors.commitment_not_in_delivery',
			note: formatFigure(measure, deliveredAmount, unit),
			set: { deliveredAmount, deliveredAt: now, statusReason: null },
			guard: {
				where: sql<SqlBool>`commitment.amount >= ${deliveredAmount}`,
				holds: (c) => c.amount >= deliveredAmount,
				error: (c) => AppError.invalid({ deliveredAmount: msg('errors.delivered_exceeds_amount', { amount: formatFigure(measure, c.amount, unit) }) }),
			},
			notify: { kind: 'commitment_delivered', sides: ['provider'] },
		},
		actor,
		now,
	)
}
