// Who may do what to a commitment, as SQL conditions for the where of the query that does it, the
// in-memory twins used only to show or hide buttons, and the diagnosis of a refused write.
//
// | action                                                  | who                                                  |
// |---------------------------------------------------------|------------------------------------------------------|
// | pledge                                                  | owner/admin of a verified provider org (central_unit, |
// |                                                         | east_west_partner, mass_org, enterprise, social_org) |
// |                                                         | who is not also a member of the need's village org   |
// | withdraw, start delivery, milestones, progress updates  | owner/admin of the commitment's verified provider org |
// | with evidence, the provider's feedback                  |                                                      |
// | accept, decline, confirm delivery, confirm milestones,  | owner/admin of the commitment's verified village org  |
// | the village's feedback                                  |                                                      |
// | verify, dispute                                         | an official whose jurisdiction covers the village and |
// |                                                         | is a county (3) or township (4); a national admin     |
// |                                                         | (the same people who review the village's needs)      |
// | see the commitment, its timeline and evidence files     | members (any role) of either org; officials covering  |
// |                                                         | the village at any level (supervision); not public —  |
// |                                                         | the need page shows totals and provider names only    |
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB, MemberRole } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { MANAGERS, asReviewer } from '../need/authorize-need.server.ts'
import { PROVIDER_KINDS } from '../organization.schema.ts'
import { type Actor, governs, inJurisdiction, roleAtLeast } from '../policy.server.ts'
import { covers } from '../region-code.ts'

export type CommitmentSide = 'provider' | 'village' | 'official'

const FALSE = sql<SqlBool>`1 = 0`

/**
 * The commitment's provider org is a verified provider in which the actor holds one of `roles`,
 * read from membership in the query. NOTE: raw SQL, so snake_case; the outer table must be
 * `commitment` (not aliased).
 */
export function providerScope(actor: Actor, roles: readonly MemberRole[] = MANAGERS): RawBuilder<SqlBool> {
	return sql<SqlBool>`commitment.provider_org_id in (
		select pm.org_id from membership pm inner join organization po on po.id = pm.org_id
		where pm.account_id = ${actor.accountId} and pm.role in (${sql.join([...roles])}) and po.status = 'verified'
		and po.kind in (${sql.join([...PROVIDER_KINDS])}))`
}

/** The commitment's village org is a verified village in which the actor holds one of `roles`. Same NOTE. */
export function villageSideScope(actor: Actor, roles: readonly MemberRole[] = MANAGERS): RawBuilder<SqlBool> {
	return sql<SqlBool>`commitment.village_org_id in (
		select vm.org_id from membership vm inner join organization vo on vo.id = vm.org_id
		where vm.account_id = ${actor.accountId} and vm.role in (${sql.join([...roles])}) and vo.status = 'verified' and vo.kind = 'village')`
}

/** An official who may verify or dispute: county or township jurisdiction over the village; national admins. */
export function officialScope(actor: Actor): RawBuilder<SqlBool> {
	return inJurisdiction('commitment.villageCode', asReviewer(actor))
}

export function commitmentSideScope(actor: Actor, side: CommitmentSide): RawBuilder<SqlBool> {
	if (side === 'provider') return providerScope(actor)
	if (side === 'village') return villageSideScope(actor)
	return officialScope(actor)
}

/** Who may see a commitment (see the table above); nobody signed out. Same NOTE as providerScope. */
export function commitmentVisibleScope(viewer: Actor | null): RawBuilder<SqlBool> {
	if (!viewer) return FALSE
	const mine = sql`(select om.org_id from membership om where om.account_id = ${viewer.accountId})`
	return sql<SqlBool>`(commitment.provider_org_id in ${mine} or commitment.village_org_id in ${mine} or ${inJurisdiction('commitment.villageCode', viewer)})`
}

/** In-memory twin of providerScope, for buttons. */
export function canActForProvider(actor: Actor | null, providerOrgId: string, min: MemberRole = 'admin'): boolean {
	return !!actor?.memberships.some(
		(m) => m.orgId === providerOrgId && m.status === 'verified' && (PROVIDER_KINDS as readonly string[]).includes(m.kind) && roleAtLeast(m.role, min),
	)
}

/** In-memory twin of officialScope, for buttons. */
export function canVerifyFor(actor: Actor | null, villageCode: string): boolean {
	return !!actor && governs(asReviewer(actor), villageCode)
}

/** The government org the actor acts for on this village (the event's actor org), if any. */
export function officialOrgOf(actor: Actor, villageCode: string): string | null {
	const m = asReviewer(actor).memberships.find((x) => x.status === 'verified' && x.regionCode && covers(x.regionCode, villageCode))
	return m?.orgId ?? null
}

/** The org an actor acts for on `side` of this commitment, for the event. */
export function actorOrgFor(actor: Actor, side: CommitmentSide, c: { providerOrgId: string; villageOrgId: string; villageCode: string }): string | null {
	if (side === 'provider') return c.providerOrgId
	if (side === 'village') return c.villageOrgId
	return officialOrgOf(actor, c.villageCode)
}

/**
 * After a permission-scoped write changed nothing: not_found when the actor may not even see the
 * commitment (it is not public), the forbidden error that explains why when they see it but may
 * not act on `side`, or a plain return when they were permitted (the caller then reports why the
 * state did not allow it).
 */
export async function assertCommitmentPermitted(
	db: Kysely<DB>,
	c: { id: string; providerOrgId: string; villageOrgId: string; villageCode: string },
	actor: Actor,
	side: CommitmentSide,
): Promise<void> {
	const visible = await db.selectFrom('commitment').select('id').where('id', '=', c.id).where(commitmentVisibleScope(actor)).executeTakeFirst()
	if (!visible) throw AppError.notFound('errors.commitment_not_found')
	const permitted = await db.selectFrom('commitment').select('id').where('id', '=', c.id).where(commitmentSideScope(actor, side)).executeTakeFirst()
	if (permitted) return
	if (side === 'official') {
		if (governs(actor, c.villageCode)) throw AppError.forbidden('errors.commitment_verify_level')
		throw AppError.forbidden('errors.outside_jurisdiction')
	}
	const orgId = side === 'provider' ? c.providerOrgId : c.villageOrgId
	const membership = await db
		.selectFrom('membership')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select(['membership.role', 'organization.status'])
		.where('membership.orgId', '=', orgId)
		.where('membership.accountId', '=', actor.accountId)
		.executeTakeFirst()
	if (membership) {
		if (membership.status !== 'verified') throw AppError.forbidden('errors.org_not_verified')
		throw AppError.forbidden('errors.not_org_admin')
	}
	throw AppError.forbidden(side === 'provider' ? 'errors.commitment_not_provider' : 'errors.commitment_not_village')
}
