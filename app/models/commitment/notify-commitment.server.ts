// What every commitment change does besides its own row, inside the same transaction: tell the
// other side (notification inbox) and requeue the need and the offer for search (their remaining
// gap and capacity are derived from commitments).
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { enqueueSearch } from '#app/search/outbox.server.ts'
import { type NotificationKind, notify } from '../notification.server.ts'
import { formatFigure } from '../commitment.schema.ts'

export type CommitmentHead = {
	id: string
	needId: string
	offerId: string | null
	providerOrgId: string
	villageOrgId: string
	amount: number
}

/** The need and (if any) the offer of a commitment go back into the search outbox. */
export async function requeueForSearch(db: Kysely<DB>, c: Pick<CommitmentHead, 'needId' | 'offerId'>, now: number) {
	await enqueueSearch(db, 'need', c.needId, now)
	if (c.offerId) await enqueueSearch(db, 'offer', c.offerId, now)
}

/**
 * Notifies every member of the named sides' orgs (but not the actor) about the commitment. Params
 * for the message `notification.kind.<kind>`: title (the need's), amount (formatted: ¥1,200 or
 * 30 人), provider and village (org names), plus `extra` (e.g. milestone).
 */
export async function notifyCommitment(
	db: Kysely<DB>,
	c: CommitmentHead,
	kind: NotificationKind,
	sides: ReadonlyArray<'provider' | 'village'>,
	exceptAccountId: string | null,
	now: number,
	extra: Record<string, string | number> = {},
) {
	const info = await db
		.selectFrom('need')
		.innerJoin('organization as village', 'village.id', 'need.villageOrgId')
		.select(['need.title', 'need.measure', 'need.unit', 'village.name as villageName'])
		.where('need.id', '=', c.needId)
		.executeTakeFirstOrThrow()
	const provider = await db.selectFrom('organization').select('name').where('id', '=', c.providerOrgId).executeTakeFirstOrThrow()
	const orgIds = sides.map((s) => (s === 'provider' ? c.providerOrgId : c.villageOrgId))
	return notify(
		db,
		{
			orgIds,
			kind,
			entityType: 'commitment',
			entityId: c.id,
			params: { title: info.title, amount: formatFigure(info.measure, Number(c.amount), info.unit), provider: provider.name, village: info.villageName, ...extra },
			exceptAccountId: exceptAccountId ?? undefined,
		},
		now,
	)
}
