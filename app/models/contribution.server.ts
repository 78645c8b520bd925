// Verified contribution (DOMAIN.md: only verified amounts count toward indicators, rankings and
// commendation eligibility). One query, shared by commendation eligibility, leaderboards and
// indicators, so they never disagree on what counts:
//   commitments in status verified or closed, verified_at in [start, end), to villages whose
//   code lies within `regionCode` (all villages when it is absent or ''), per provider org;
//   amountFen sums the commitments whose need is measured in money, count counts them all.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { isRegionCode } from './region-code.ts'
import { withinRegion } from './region.server.ts'

export type Contribution = { orgId: string; amountFen: number; count: number }

export type ContributionQuery = {
	/** Only these provider orgs (an empty list matches nothing); all when absent. */
	orgIds?: string[]
	/** A region code of any level; absent or '' for nationwide. */
	regionCode?: string
	/** [start, end) in epoch ms, on verified_at. */
	start: number
	end: number
}

/** Per provider org, largest amount first (then count, then id). Orgs without any are absent. */
export async function verifiedContribution(db: Kysely<DB>, query: ContributionQuery): Promise<Contribution[]> {
	if (query.orgIds && query.orgIds.length === 0) return []
	if (query.regionCode && !isRegionCode(query.regionCode)) throw new Error(`not a region code: ${query.regionCode}`)
	let q = db
		.selectFrom('commitment')
		.innerJoin('need', 'need.id', 'commitment.needId')
		.select((eb) => [
			'commitment.providerOrgId as orgId',
			eb.fn.sum<number | string>(eb.case().when('need.measure', '=', 'amount').then(eb.ref('commitment.amount')).else(0).end()).as('amountFen'),
			eb.fn.countAll<number | string>().as('count'),
		])
		.where('commitment.status', 'in', ['verified', 'closed'])
		.where('commitment.verifiedAt', '>=', query.start)
		.where('commitment.verifiedAt', '<', query.end)
	if (query.regionCode) q = q.where(withinRegion('commitment.villageCode', query.regionCode))
	if (query.orgIds) q = q.where('commitment.providerOrgId', 'in', query.orgIds)
	const rows = await q.groupBy('commitment.providerOrgId').execute()
	return rows
		.map((r) => ({ orgId: r.orgId, amountFen: Number(r.amountFen ?? 0), count: Number(r.count) }))
		.sort((a, b) => b.amountFen - a.amountFen || b.count - a.count || (a.orgId < b.orgId ? -1 : a.orgId > b.orgId ? 1 : 0))
}
