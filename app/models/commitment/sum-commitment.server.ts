// What commitments add up to. Only accepted-or-later commitments count against a need's target
// and an offer's capacity (a pledge is non-binding); declined, withdrawn and lapsed ones count for
// nothing, so leaving those states frees the amount without any bookkeeping.
import type { Kysely } from 'kysely'
import type { CommitmentStatus, DB } from '#db/schema.ts'

/** Statuses whose amount counts against the need's target and the offer's capacity. */
export const COUNTED_STATUSES: readonly CommitmentStatus[] = ['accepted', 'in_delivery', 'delivered', 'verified', 'disputed', 'closed']
/** Statuses with a delivered amount the village confirmed. */
export const DELIVERED_STATUSES: readonly CommitmentStatus[] = ['delivered', 'verified', 'disputed', 'closed']
/** Statuses whose delivered amount an official signed off. */
export const VERIFIED_STATUSES: readonly CommitmentStatus[] = ['verified', 'closed']

const CHUNK = 500

async function sumBy(db: Kysely<DB>, column: 'needId' | 'offerId', ids: string[]): Promise<Map<string, number>> {
	const out = new Map<string, number>()
	const unique = [...new Set(ids)]
	for (let i = 0; i < unique.length; i += CHUNK) {
		const part = unique.slice(i, i + CHUNK)
		const ref = column === 'needId' ? ('commitment.needId' as const) : ('commitment.offerId' as const)
		const rows = await db
			.selectFrom('commitment')
			.select((eb) => [eb.ref(ref).as('id'), eb.fn.sum<number>('commitment.amount').as('total')])
			.where(ref, 'in', part)
			.where('commitment.status', 'in', [...COUNTED_STATUSES])
			.groupBy(ref)
			.execute()
		for (const r of rows) if (r.id) out.set(r.id, Number(r.total ?? 0))
	}
	return out
}

/** Accepted-or-later total per need (needs without any are absent: read them as 0). */
export function committedByNeed(db: Kysely<DB>, needIds: string[]): Promise<Map<string, number>> {
	return sumBy(db, 'needId', needIds)
}

/** Accepted-or-later total per offer: its capacity used (absent: 0). */
export function committedByOffer(db: Kysely<DB>, offerIds: string[]): Promise<Map<string, number>> {
	return sumBy(db, 'offerId', offerIds)
}

export async function committedToNeed(db: Kysely<DB>, needId: string): Promise<number> {
	return (await committedByNeed(db, [needId])).get(needId) ?? 0
}

export async function committedToOffer(db: Kysely<DB>, offerId: string): Promise<number> {
	return (await committedByOffer(db, [offerId])).get(offerId) ?? 0
}

/** Delivered amounts an official verified for the need (verified and closed commitments). */
export async function verifiedForNeed(db: Kysely<DB>, needId: string): Promise<number> {
	const row = await db
		.selectFrom('commitment')
		.select((eb) => eb.fn.sum<number>('commitment.deliveredAmount').as('total'))
		.where('commitment.needId', '=', needId)
		.where('commitment.status', 'in', [...VERIFIED_STATUSES])
		.executeTakeFirst()
	return Number(row?.total ?? 0)
}
