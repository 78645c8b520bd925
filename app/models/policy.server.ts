// What each role may do, in one place. Checks run on the server and go into the model's query:
// jurisdiction is a prefix of the 12-digit region code (see region-code.ts).
//
// | action                         | who                                                                  |
// |--------------------------------|----------------------------------------------------------------------|
// | sign up, create an org         | any signed-in account (the org starts `pending`)                     |
// | verify / reject an org         | an official whose jurisdiction covers the org's region; a government |
// |                                | org only from a level above; central units and orgs without a region |
// |                                | only by a national admin                                             |
// | suspend / reinstate an org     | same as verify                                                       |
// | add / remove members           | owner or admin of the org (only an owner grants `owner`); not while  |
// |                                | the org is suspended or rejected                                     |
// | create / end a pairing         | an official whose jurisdiction covers the recipient region (or, for  |
// |                                | 东西部协作, either side); a national admin everywhere                   |
// | set the key-county flag        | a national admin                                                     |
// | act for an org (later issues)  | members of a *verified* org; a suspended org can do nothing          |
//
// An "official" is a member of a verified `government` org; that org's region is the jurisdiction.
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { DB, MemberRole, OrgKind, OrgStatus } from '#db/schema.ts'
import { covers } from './region-code.ts'
import { withinRegion } from './region.server.ts'

export type ActorMembership = {
	orgId: string
	orgName: string
	kind: OrgKind
	status: OrgStatus
	role: MemberRole
	regionCode: string | null
}

export type Actor = {
	accountId: string
	displayName: string
	isNationalAdmin: boolean
	memberships: ActorMembership[]
	requestId?: string
}

const ROLE_RANK: Record<MemberRole, number> = { member: 1, admin: 2, owner: 3 }

export function roleAtLeast(role: MemberRole, min: MemberRole): boolean {
	return ROLE_RANK[role] >= ROLE_RANK[min]
}

/** Region codes the actor governs as an official (verified government orgs only). */
export function jurisdictionsOf(actor: Actor): string[] {
	return actor.memberships
		.filter((m) => m.kind === 'government' && m.status === 'verified' && m.regionCode)
		.map((m) => m.regionCode as string)
}

export function isOfficial(actor: Actor): boolean {
	return actor.isNationalAdmin || jurisdictionsOf(actor).length > 0
}

/** In-memory twin of `inJurisdiction`, for deciding what to show; never a substitute for the where. */
export function governs(actor: Actor, regionCode: string | null | undefined): boolean {
	if (actor.isNationalAdmin) return true
	if (!regionCode) return false
	return jurisdictionsOf(actor).some((j) => covers(j, regionCode))
}

/** Verified orgs where the actor holds at least `min`: the orgs it may act for. */
export function actingOrgIds(actor: Actor, min: MemberRole = 'member'): string[] {
	return actor.memberships.filter((m) => m.status === 'verified' && roleAtLeast(m.role, min)).map((m) => m.orgId)
}

const FALSE = sql<SqlBool>`1 = 0`
const TRUE = sql<SqlBool>`1 = 1`

/**
 * `column` (a camelCase reference such as 'organization.regionCode') lies within one of the
 * actor's jurisdictions. National admins pass everything. With `strictlyBelow`, a region is not
 * covered by an official of that same region (government orgs are verified from a level above).
 */
export function inJurisdiction(column: string, actor: Actor, options: { strictlyBelow?: boolean } = {}): RawBuilder<SqlBool> {
	if (actor.isNationalAdmin) return TRUE
	const codes = jurisdictionsOf(actor)
	if (codes.length === 0) return FALSE
	const ref = sql.ref(column)
	const parts = codes.map((code) => (options.strictlyBelow ? sql`(${withinRegion(column, code)} and ${ref} <> ${code})` : withinRegion(column, code)))
	return sql<SqlBool>`(${sql.join(parts, sql` or `)})`
}

/** The account with its memberships: who is asking, for every permission check. */
export async function loadActor(db: Kysely<DB>, accountId: string): Promise<Actor | undefined> {
	const account = await db.selectFrom('account').select(['id', 'displayName', 'isNationalAdmin']).where('id', '=', accountId).executeTakeFirst()
	if (!account) return undefined
	const memberships = await db
		.selectFrom('membership')
		.innerJoin('organization', 'organization.id', 'membership.orgId')
		.select(['membership.orgId', 'organization.name as orgName', 'organization.kind', 'organization.status', 'membership.role', 'organization.regionCode'])
		.where('membership.accountId', '=', accountId)
		.orderBy('organization.createdAt')
		.execute()
	return { accountId, displayName: account.displayName, isNationalAdmin: account.isNationalAdmin === 1, memberships }
}
