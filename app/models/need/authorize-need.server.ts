// Who may do what to a need, as SQL conditions for the where of the query that does it, plus the
// in-memory twins used only to show or hide buttons, and the diagnosis of a refused write.
//
// | action                                     | who                                                     |
// |--------------------------------------------|---------------------------------------------------------|
// | create, edit (draft/returned), photos       | any member (owner/admin/member) of the verified village  |
// | submit, cancel, reconfirm                   | owner or admin of the verified village org              |
// | publish / return / reject, mark duplicate   | an official whose jurisdiction covers the village and   |
// |                                             | is a county (3) or township (4); a national admin       |
// | close (until commitments do it)             | either of the two rows above (village owner/admin)      |
// | see a draft/submitted/returned/rejected need| the village org's members; officials covering it (any   |
// |                                             | level, for supervision); other statuses are public      |
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB, MemberRole, NeedStatus } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { type Actor, governs, inJurisdiction, roleAtLeast } from '../policy.server.ts'
import { covers, levelOfCode } from '../region-code.ts'

export type NeedSide = 'village' | 'official' | 'either'

export const ANY_MEMBER: readonly MemberRole[] = ['owner', 'admin', 'member']
export const MANAGERS: readonly MemberRole[] = ['owner', 'admin']

export const PUBLIC_NEED_STATUSES: readonly NeedStatus[] = ['published', 'closed', 'expired', 'cancelled', 'duplicate']
/** Photos may change while the need is being written, reviewed or is live. */
export const PHOTO_STATUSES: readonly NeedStatus[] = ['draft', 'returned', 'submitted', 'published']

/**
 * The need's village org is a verified village in which the actor holds one of `roles`. Read from
 * membership in the query, not from the actor's cached memberships.
 * NOTE: raw SQL, so snake_case; the outer table must be `need` (not aliased).
 */
export function villageScope(actor: Actor, roles: readonly MemberRole[] = ANY_MEMBER): RawBuilder<SqlBool> {
	return sql<SqlBool>`need.village_org_id in (
		select vm.org_id from membership vm inner join organization vo on vo.id = vm.org_id
		where vm.account_id = ${actor.accountId} and vm.role in (${sql.join([...roles])}) and vo.status = 'verified' and vo.kind = 'village')`
}

/** The actor as a reviewer: only county and township jurisdictions review needs (levels by code). */
export function asReviewer(actor: Actor): Actor {
	return {
		...actor,
		memberships: actor.memberships.filter((m) => {
			if (m.kind !== 'government') return false
			const level = m.regionCode ? levelOfCode(m.regionCode) : undefined
			return level === 3 || level === 4
		}),
	}
}

/** An official who may review the need: jurisdiction covers the village and is a county or township. */
export function reviewScope(actor: Actor): RawBuilder<SqlBool> {
	return inJurisdiction('need.villageCode', asReviewer(actor))
}

export function sideScope(actor: Actor, side: NeedSide, roles: readonly MemberRole[] = MANAGERS): RawBuilder<SqlBool> {
	if (side === 'village') return villageScope(actor, roles)
	if (side === 'official') return reviewScope(actor)
	return sql<SqlBool>`(${villageScope(actor, roles)} or ${reviewScope(actor)})`
}

/** Who may see the need: public statuses to everyone, the rest to its village and its officials. */
export function visibleScope(viewer: Actor | null): RawBuilder<SqlBool> {
	const publicNeed = sql<SqlBool>`need.status in (${sql.join([...PUBLIC_NEED_STATUSES])})`
	if (!viewer) return publicNeed
	return sql<SqlBool>`(${publicNeed} or ${villageScope(viewer)} or ${inJurisdiction('need.villageCode', viewer)})`
}

/** In-memory twin of reviewScope, for buttons. */
export function canReviewNeed(actor: Actor | null, villageCode: string): boolean {
	if (!actor) return false
	return governs(asReviewer(actor), villageCode)
}

/** In-memory twin of villageScope (the actor's memberships are loaded per request). */
export function canActForVillage(actor: Actor | null, villageOrgId: string, min: MemberRole = 'member'): boolean {
	return !!actor?.memberships.some((m) => m.orgId === villageOrgId && m.kind === 'village' && m.status === 'verified' && roleAtLeast(m.role, min))
}

/** The government org the actor acts for on this village (for the event's actor org), if any. */
export function officialOrgFor(actor: Actor, villageCode: string): string | null {
	const reviewer = asReviewer(actor)
	const m = reviewer.memberships.find((x) => x.status === 'verified' && x.regionCode && covers(x.regionCode, villageCode))
	return m?.orgId ?? null
}

/**
 * After a permission-scoped write changed nothing and the need exists: throw the forbidden error
 * that explains why, or return if the actor was permitted (the caller then reports a conflict).
 */
export async function assertPermitted(
	db: Kysely<DB>,
	need: { id: string; villageOrgId: string; villageCode: string },
	actor: Actor,
	side: NeedSide,
	roles: readonly MemberRole[] = MANAGERS,
): Promise<void> {
	const permitted = await db.selectFrom('need').select('id').where('id', '=', need.id).where(sideScope(actor, side, roles)).executeTakeFirst()
	if (permitted) return
	const membership = await db
		.selectFrom('membership')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select(['membership.role', 'organization.status'])
		.where('membership.orgId', '=', need.villageOrgId)
		.where('membership.accountId', '=', actor.accountId)
		.executeTakeFirst()
	if (side !== 'official' && membership) {
		if (membership.status !== 'verified') throw AppError.forbidden('errors.org_not_verified')
		throw AppError.forbidden('errors.not_org_admin')
	}
	if (side !== 'village' && governs(actor, need.villageCode)) throw AppError.forbidden('errors.need_review_level')
	if (side === 'village') throw AppError.forbidden('errors.need_not_village_member')
	throw AppError.forbidden('errors.outside_jurisdiction')
}
