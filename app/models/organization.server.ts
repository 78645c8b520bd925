import { type Kysely, type SqlBool, sql } from 'kysely'
import type { DB, MemberRole, OrgKind, OrgStatus } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { fieldErrors } from '#app/utils/validation.ts'
import { recordEvent } from './event.server.ts'
import {
	AddMemberSchema,
	type AddMemberInput,
	CreateOrganizationSchema,
	type CreateOrganizationInput,
	ReviewOrganizationSchema,
	type ReviewOrganizationInput,
} from './organization.schema.ts'
import { type Actor, inJurisdiction, jurisdictionsOf, roleAtLeast } from './policy.server.ts'
import { covers, levelOfCode, regionPrefix } from './region-code.ts'
import { isNamedRow } from './region.server.ts'

function isDuplicateKey(error: unknown): boolean {
	const e = error as { code?: string; message?: string }
	return e?.code === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/.test(e?.message ?? '')
}

/** Creates an org in `pending`; its creator becomes its owner. Nothing is written on any error. */
export async function createOrganization(db: Kysely<DB>, raw: CreateOrganizationInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = CreateOrganizationSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const fields: Record<string, string> = {}

	let regionCode: string | null = null
	let villageCode: string | null = null
	if (input.kind === 'village') {
		const village = await db.selectFrom('region').select(['code', 'level']).where('code', '=', input.villageCode).orderBy('level', 'desc').limit(1).executeTakeFirst()
		if (!village) fields.villageCode = 'errors.region_not_found'
		else if (village.level !== 5) fields.villageCode = 'errors.not_a_village'
		else {
			const existing = await db.selectFrom('organization').select('id').where('villageCode', '=', input.villageCode).executeTakeFirst()
			if (existing) fields.villageCode = 'errors.village_has_org'
		}
		regionCode = villageCode = input.villageCode
	} else if (input.regionCode) {
		const region = await db.selectFrom('region').select(['code', 'level']).where('code', '=', input.regionCode).orderBy('level').limit(1).executeTakeFirst()
		if (!region) fields.regionCode = 'errors.region_not_found'
		else if (input.kind === 'government' && region.level > 4) fields.regionCode = 'errors.government_region_level'
		else if (input.kind === 'east_west_partner' && region.level > 3) fields.regionCode = 'errors.east_west_region_level'
		regionCode = input.regionCode
	}
	const uscc = 'uscc' in input ? (input.uscc ?? null) : null
	if (uscc) {
		const existing = await db.selectFrom('organization').select('id').where('uscc', '=', uscc).executeTakeFirst()
		if (existing) fields.uscc = 'errors.uscc_taken'
	}
	if (Object.keys(fields).length) throw AppError.invalid(fields)

	const id = newId(now)
	try {
		await db.transaction().execute(async (trx) => {
			await trx
				.insertInto('organization')
				.values({
					id,
					kind: input.kind,
					subtype: input.kind === 'mass_org' ? input.subtype : null,
					name: input.name,
					uscc,
					regionCode,
					villageCode,
					status: 'pending',
					statusReason: null,
					reviewedBy: null,
					reviewedAt: null,
					description: input.description ?? '',
					contactName: input.contactName ?? null,
					contactPhone: input.contactPhone ?? null,
					createdBy: actor.accountId,
					createdAt: now,
					updatedAt: now,
				})
				.execute()
			await trx.insertInto('membership').values({ orgId: id, accountId: actor.accountId, role: 'owner', createdAt: now }).execute()
			await recordEvent(trx, { entityType: 'organization', entityId: id, action: 'create', toState: 'pending', actorAccountId: actor.accountId, requestId: actor.requestId }, now)
		})
	} catch (error) {
		if (isDuplicateKey(error)) {
			throw AppError.invalid(input.kind === 'village' ? { villageCode: 'errors.village_has_org' } : { uscc: 'errors.uscc_taken' })
		}
		throw error
	}
	return { id }
}

/**
 * Which orgs an actor may review: by region prefix, government orgs only from a level above,
 * central units and orgs without a region only by a national admin.
 */
function reviewScope(actor: Actor) {
	if (actor.isNationalAdmin) return sql<SqlBool>`1 = 1`
	return sql<SqlBool>`(organization.kind <> 'central_unit' and organization.region_code is not null and (
		(organization.kind = 'government' and ${inJurisdiction('organization.regionCode', actor, { strictlyBelow: true })})
		or (organization.kind <> 'government' and ${inJurisdiction('organization.regionCode', actor)})))`
}

const TRANSITIONS: Record<ReviewOrganizationInput['decision'], { from: OrgStatus; to: OrgStatus }> = {
	verify: { from: 'pending', to: 'verified' },
	reject: { from: 'pending', to: 'rejected' },
	suspend: { from: 'verified', to: 'suspended' },
	reinstate: { from: 'suspended', to: 'verified' },
}

/** Verify, reject, suspend or reinstate. The jurisdiction check is part of the update's where. */
export async function reviewOrganization(
	db: Kysely<DB>,
	orgId: string,
	raw: ReviewOrganizationInput | Record<string, unknown>,
	actor: Actor,
	now = Date.now(),
) {
	const parsed = ReviewOrganizationSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const { decision, reason } = parsed.data
	const { from, to } = TRANSITIONS[decision]
	return db.transaction().execute(async (trx) => {
		const result = await trx
			.updateTable('organization')
			.set({ status: to, statusReason: reason ?? null, reviewedBy: actor.accountId, reviewedAt: now, updatedAt: now })
			.where('id', '=', orgId)
			.where('status', '=', from)
			.where(reviewScope(actor))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) {
			const org = await trx.selectFrom('organization').select(['status']).where('id', '=', orgId).executeTakeFirst()
			if (!org) throw AppError.notFound()
			const inScope = await trx.selectFrom('organization').select('id').where('id', '=', orgId).where(reviewScope(actor)).executeTakeFirst()
			if (!inScope) throw AppError.forbidden('errors.outside_jurisdiction')
			throw AppError.conflict('errors.org_wrong_status')
		}
		await recordEvent(trx, { entityType: 'organization', entityId: orgId, action: decision, fromState: from, toState: to, note: reason ?? '', actorAccountId: actor.accountId, requestId: actor.requestId }, now)
		return { status: to }
	})
}

const PUBLIC_COLUMNS = [
	'organization.id',
	'organization.kind',
	'organization.subtype',
	'organization.name',
	'organization.uscc',
	'organization.regionCode',
	'organization.villageCode',
	'organization.status',
	'organization.statusReason',
	'organization.description',
	'organization.contactName',
	'organization.contactPhone',
	'organization.isDemo',
	'organization.createdAt',
	'organization.reviewedAt',
] as const

/**
 * One org for a profile page. Verified and suspended orgs are public; pending and rejected ones
 * are seen only by their members and by officials who may review them.
 */
export async function getOrganization(db: Kysely<DB>, id: string, viewer: Actor | null) {
	const org = await db
		.selectFrom('organization')
		.leftJoin('region', (join) => join.onRef('region.code', '=', 'organization.regionCode').on(isNamedRow('region')))
		.select([...PUBLIC_COLUMNS, 'region.name as regionName', 'region.level as regionLevel'])
		.where('organization.id', '=', id)
		.where((eb) => {
			const publicOrg = eb('organization.status', 'in', ['verified', 'suspended'])
			if (!viewer) return publicOrg
			const ownOrgIds = viewer.memberships.map((m) => m.orgId)
			return eb.or([publicOrg, eb('organization.id', 'in', ownOrgIds.length ? ownOrgIds : ['']), reviewScope(viewer)])
		})
		.executeTakeFirst()
	if (!org) return undefined
	const membership = viewer?.memberships.find((m) => m.orgId === id)
	return {
		...org,
		viewer: {
			role: membership?.role as MemberRole | undefined,
			canManageMembers: !!membership && roleAtLeast(membership.role, 'admin') && (org.status === 'verified' || org.status === 'pending'),
			canReview: viewer ? canReviewInMemory(viewer, org) : false,
		},
	}
}

/** In-memory twin of reviewScope, for showing or hiding the review buttons. */
function canReviewInMemory(actor: Actor, org: { kind: OrgKind; regionCode: string | null }) {
	if (actor.isNationalAdmin) return true
	if (org.kind === 'central_unit' || !org.regionCode) return false
	const regionCode = org.regionCode
	return jurisdictionsOf(actor).some((j) => covers(j, regionCode) && (org.kind !== 'government' || j !== regionCode))
}

export type OrgListFilters = { kind?: OrgKind; regionCode?: string; q?: string; page?: number; pageSize?: number }

/** Public directory: verified orgs only. */
export async function listOrganizations(db: Kysely<DB>, filters: OrgListFilters = {}) {
	const pageSize = Math.min(Math.max(filters.pageSize ?? 20, 1), 100)
	const page = Math.max(filters.page ?? 1, 1)
	let q = db.selectFrom('organization').where('organization.status', '=', 'verified')
	if (filters.kind) q = q.where('organization.kind', '=', filters.kind)
	if (filters.regionCode && levelOfCode(filters.regionCode)) {
		q = q.where('organization.regionCode', 'like', `${regionPrefix(filters.regionCode)}%`)
	}
	if (filters.q) q = q.where('organization.name', 'like', `%${filters.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
	const [rows, total] = await Promise.all([
		q
			.leftJoin('region', (join) => join.onRef('region.code', '=', 'organization.regionCode').on(isNamedRow('region')))
			.select([...PUBLIC_COLUMNS, 'region.name as regionName'])
			.orderBy('organization.name')
			.orderBy('organization.id')
			.limit(pageSize)
			.offset((page - 1) * pageSize)
			.execute(),
		q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
	])
	return { rows, total: Number(total.n), page, pageSize }
}

/** Orgs awaiting review that this actor may decide, oldest first. */
export async function listReviewQueue(db: Kysely<DB>, actor: Actor, options: { status?: OrgStatus } = {}) {
	return db
		.selectFrom('organization')
		.leftJoin('region', (join) => join.onRef('region.code', '=', 'organization.regionCode').on(isNamedRow('region')))
		.select([...PUBLIC_COLUMNS, 'region.name as regionName'])
		.where('organization.status', '=', options.status ?? 'pending')
		.where(reviewScope(actor))
		.orderBy('organization.createdAt')
		.limit(500)
		.execute()
}

export async function countReviewQueue(db: Kysely<DB>, actor: Actor) {
	const row = await db
		.selectFrom('organization')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('status', '=', 'pending')
		.where(reviewScope(actor))
		.executeTakeFirstOrThrow()
	return Number(row.n)
}

export async function listMembers(db: Kysely<DB>, orgId: string, viewer: Actor) {
	const isMember = viewer.memberships.some((m) => m.orgId === orgId)
	if (!isMember && !viewer.isNationalAdmin) {
		const reviewable = await db.selectFrom('organization').select('id').where('id', '=', orgId).where(reviewScope(viewer)).executeTakeFirst()
		if (!reviewable) throw AppError.forbidden()
	}
	return db
		.selectFrom('membership')
		.innerJoin('account', 'account.id', 'membership.accountId')
		.select(['account.id as accountId', 'account.displayName', 'account.username', 'membership.role', 'membership.createdAt'])
		.where('membership.orgId', '=', orgId)
		.orderBy('membership.createdAt')
		.execute()
}

/** Adds an existing account to the org. Admins add members and admins; only an owner adds owners. */
export async function addMember(db: Kysely<DB>, orgId: string, raw: AddMemberInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const parsed = AddMemberSchema.safeParse(raw)
	if (!parsed.success) throw AppError.invalid(fieldErrors(parsed.error))
	const input = parsed.data
	const minRole: MemberRole = input.role === 'owner' ? 'owner' : 'admin'
	return db.transaction().execute(async (trx) => {
		// Permission in the query: the actor's own membership row with a high enough role in an org that may act.
		const mine = await trx
			.selectFrom('membership')
			.innerJoin('organization', 'organization.id', 'membership.orgId')
			.select(['membership.role'])
			.where('membership.orgId', '=', orgId)
			.where('membership.accountId', '=', actor.accountId)
			.where('membership.role', 'in', minRole === 'owner' ? ['owner'] : ['owner', 'admin'])
			.where('organization.status', 'in', ['pending', 'verified'])
			.executeTakeFirst()
		if (!mine) throw AppError.forbidden('errors.not_org_admin')
		const account = await trx.selectFrom('account').select('id').where('email', '=', input.email).executeTakeFirst()
		if (!account) throw AppError.invalid({ email: 'errors.account_not_found' })
		const existing = await trx.selectFrom('membership').select('role').where('orgId', '=', orgId).where('accountId', '=', account.id).executeTakeFirst()
		if (existing) throw AppError.invalid({ email: 'errors.already_member' })
		await trx.insertInto('membership').values({ orgId, accountId: account.id, role: input.role, createdAt: now }).execute()
		await recordEvent(trx, { entityType: 'organization', entityId: orgId, action: 'add_member', note: `${account.id}:${input.role}`, actorAccountId: actor.accountId, requestId: actor.requestId }, now)
		return { accountId: account.id }
	})
}

export async function removeMember(db: Kysely<DB>, orgId: string, accountId: string, actor: Actor, now = Date.now()) {
	return db.transaction().execute(async (trx) => {
		// As for addMember: the actor's own membership, in an org that may act (not suspended or rejected).
		const mine = await trx
			.selectFrom('membership')
			.innerJoin('organization', 'organization.id', 'membership.orgId')
			.select('membership.role')
			.where('membership.orgId', '=', orgId)
			.where('membership.accountId', '=', actor.accountId)
			.where('organization.status', 'in', ['pending', 'verified'])
			.executeTakeFirst()
		const manager = mine && (mine.role === 'owner' || mine.role === 'admin') ? mine : undefined
		if (!manager && !(mine && actor.accountId === accountId)) throw AppError.forbidden('errors.not_org_admin')
		const target = await trx.selectFrom('membership').select('role').where('orgId', '=', orgId).where('accountId', '=', accountId).executeTakeFirst()
		if (!target) throw AppError.notFound()
		if (target.role === 'owner' && manager?.role !== 'owner' && actor.accountId !== accountId) throw AppError.forbidden('errors.not_org_owner')
		if (target.role === 'owner') {
			const owners = await trx.selectFrom('membership').select((eb) => eb.fn.countAll<number>().as('n')).where('orgId', '=', orgId).where('role', '=', 'owner').executeTakeFirstOrThrow()
			if (Number(owners.n) <= 1) throw AppError.conflict('errors.last_owner')
		}
		await trx.deleteFrom('membership').where('orgId', '=', orgId).where('accountId', '=', accountId).execute()
		await recordEvent(trx, { entityType: 'organization', entityId: orgId, action: 'remove_member', note: accountId, actorAccountId: actor.accountId, requestId: actor.requestId }, now)
	})
}
