// The API's commitment list: the actor's visible commitments (commitmentVisibleScope: members of
// either org, officials covering the village; nobody else, commitments are not public), newest
// first, one cursor page at a time.
import { type Kysely, type SqlBool, sql } from 'kysely'
import type { CommitmentStatus, DB } from '#db/schema.ts'
import { commitmentVisibleScope } from '../commitment/authorize-commitment.server.ts'
import { isOverdue } from '../commitment/query-commitment.server.ts'
import { type Actor, inJurisdiction } from '../policy.server.ts'
import { fullNames } from '../region.server.ts'

export type CommitmentRole = 'provider' | 'village' | 'official'

export type CommitmentPageFilters = {
	statuses?: CommitmentStatus[]
	needId?: string
	/**
	 * Which side the viewer sees them from: provider (a member of the provider org), village (a
	 * member of the village org), official (the village lies in the viewer's jurisdiction).
	 */
	role?: CommitmentRole
	beforeId?: string
	limit: number
}

function roleScope(viewer: Actor, role: CommitmentRole) {
	// NOTE: raw SQL, snake_case.
	const mine = sql`(select om.org_id from membership om where om.account_id = ${viewer.accountId})`
	if (role === 'provider') return sql<SqlBool>`commitment.provider_org_id in ${mine}`
	if (role === 'village') return sql<SqlBool>`commitment.village_org_id in ${mine}`
	return inJurisdiction('commitment.villageCode', viewer)
}

/** One page (limit + 1 rows) of the commitments the viewer may see, newest first, with names and `overdue`. */
export async function listCommitmentsPage(db: Kysely<DB>, filters: CommitmentPageFilters, viewer: Actor, now = Date.now()) {
	let q = db
		.selectFrom('commitment')
		.innerJoin('need', 'need.id', 'commitment.needId')
		.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
		.innerJoin('organization as village', 'village.id', 'commitment.villageOrgId')
		.leftJoin('offer', 'offer.id', 'commitment.offerId')
		.select([
			'commitment.id',
			'commitment.needId',
			'need.title as needTitle',
			'need.measure',
			'need.unit',
			'commitment.offerId',
			'offer.title as offerTitle',
			'commitment.providerOrgId',
			'provider.name as providerName',
			'provider.kind as providerKind',
			'commitment.villageOrgId',
			'village.name as villageOrgName',
			'commitment.villageCode',
			'commitment.amount',
			'commitment.deliveredAmount',
			'commitment.status',
			'commitment.message',
			'commitment.statusReason',
			'commitment.dueAt',
			'commitment.lapseAt',
			'commitment.acceptedAt',
			'commitment.deliveryStartedAt',
			'commitment.deliveredAt',
			'commitment.verifiedAt',
			'commitment.closedAt',
			'commitment.createdAt',
			'commitment.updatedAt',
		])
		.where(commitmentVisibleScope(viewer))
	if (filters.role) q = q.where(roleScope(viewer, filters.role))
	if (filters.statuses?.length) q = q.where('commitment.status', 'in', filters.statuses)
	if (filters.needId) q = q.where('commitment.needId', '=', filters.needId)
	if (filters.beforeId) q = q.where('commitment.id', '<', filters.beforeId)
	const rows = await q
		.orderBy('commitment.id', 'desc')
		.limit(filters.limit + 1)
		.execute()
	const names = await fullNames(db, [...new Set(rows.map((r) => r.villageCode))])
	return rows.map((r) => ({
		...r,
		amount: Number(r.amount),
		deliveredAmount: r.deliveredAmount === null ? null : Number(r.deliveredAmount),
		dueAt: Number(r.dueAt),
		lapseAt: Number(r.lapseAt),
		overdue: isOverdue({ status: r.status, dueAt: Number(r.dueAt) }, now),
		villageName: names.get(r.villageCode) ?? r.villageCode,
	}))
}
