// Reading needs: one need for its page, a village's list, an official's review queue, the timeline.
// Visibility is part of every query's where (see authorize-need.server.ts).
import type { ExpressionBuilder, Kysely } from 'kysely'
import type { DB, NeedStatus } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { COUNTED_STATUSES, DELIVERED_STATUSES, VERIFIED_STATUSES } from '../commitment/sum-commitment.server.ts'
import { listEvents } from '../event.server.ts'
import { MAX_NEED_PHOTOS } from '../need.schema.ts'
import { PROVIDER_KINDS } from '../organization.schema.ts'
import { type Actor, roleAtLeast } from '../policy.server.ts'
import { fullNames } from '../region.server.ts'
import { PHOTO_STATUSES, canActForVillage, canReviewNeed, reviewScope, visibleScope } from './authorize-need.server.ts'

export type Level = 'none' | 'partial' | 'full'
/** A provider helping this need, with its accepted-or-later total (public, like the totals). */
export type NeedHelper = { orgId: string; name: string; amount: number }
export type NeedProgress = { committed: number; delivered: number; verified: number; coverage: Level; delivery: Level; helpers: NeedHelper[] }

function level(value: number, target: number): Level {
	if (value <= 0) return 'none'
	return value >= target ? 'full' : 'partial'
}

/**
 * Derived from the need's commitments, never stored: committed = accepted-or-later amounts;
 * delivered = what the village confirmed (delivered, verified, disputed, closed); verified = what
 * an official signed off (verified, closed). Coverage compares committed with the target,
 * delivery compares verified with it (only verified amounts count, DOMAIN.md). Helpers: the
 * providers with accepted-or-later commitments, largest first.
 */
async function progressOf(db: Kysely<DB>, need: { id: string; target: number }): Promise<NeedProgress> {
	const rows = await db
		.selectFrom('commitment')
		.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
		.select(['commitment.providerOrgId', 'provider.name', 'commitment.status', 'commitment.amount', 'commitment.deliveredAmount'])
		.where('commitment.needId', '=', need.id)
		.where('commitment.status', 'in', [...COUNTED_STATUSES])
		.execute()
	let committed = 0
	let delivered = 0
	let verified = 0
	const helpers = new Map<string, NeedHelper>()
	for (const r of rows) {
		const amount = Number(r.amount)
		const arrived = Number(r.deliveredAmount ?? 0)
		committed += amount
		if (DELIVERED_STATUSES.includes(r.status)) delivered += arrived
		if (VERIFIED_STATUSES.includes(r.status)) verified += arrived
		const helper = helpers.get(r.providerOrgId) ?? { orgId: r.providerOrgId, name: r.name, amount: 0 }
		helper.amount += amount
		helpers.set(r.providerOrgId, helper)
	}
	const target = Number(need.target)
	return {
		committed,
		delivered,
		verified,
		coverage: level(committed, target),
		delivery: level(verified, target),
		helpers: [...helpers.values()].sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name)),
	}
}

function photoCount(eb: ExpressionBuilder<DB, 'need'>) {
	return eb
		.selectFrom('upload')
		.select((e) => e.fn.countAll<number>().as('n'))
		.where('upload.ownerType', '=', 'need')
		.whereRef('upload.ownerId', '=', 'need.id')
		.as('photoCount')
}

export async function listNeedPhotos(db: Kysely<DB>, needId: string) {
	return db
		.selectFrom('upload')
		.select(['id', 'contentType', 'byteSize', 'originalName', 'createdAt'])
		.where('ownerType', '=', 'need')
		.where('ownerId', '=', needId)
		.orderBy('createdAt')
		.orderBy('id')
		.execute()
}

const has = (statuses: readonly NeedStatus[], status: NeedStatus) => statuses.includes(status)

/**
 * One need for its page, or undefined when it does not exist or the viewer may not see it. With
 * the village's full name, the org's name, photos, progress (see progressOf) and which actions the
 * viewer's buttons should offer (the writes check again in their own where).
 */
export async function getNeed(db: Kysely<DB>, id: string, viewer: Actor | null) {
	const need = await db
		.selectFrom('need')
		.innerJoin('organization', 'organization.id', 'need.villageOrgId')
		.selectAll('need')
		.select('organization.name as orgName')
		.where('need.id', '=', id)
		.where(visibleScope(viewer))
		.executeTakeFirst()
	if (!need) return undefined
	const [names, photos, progress, duplicateOfNeed] = await Promise.all([
		fullNames(db, [need.villageCode]),
		listNeedPhotos(db, id),
		progressOf(db, need),
		need.duplicateOf
			? db.selectFrom('need').select(['id', 'title', 'status']).where('id', '=', need.duplicateOf).where(visibleScope(viewer)).executeTakeFirst()
			: undefined,
	])
	const s = need.status
	const isMember = canActForVillage(viewer, need.villageOrgId)
	const isManager = canActForVillage(viewer, need.villageOrgId, 'admin')
	const canReview = canReviewNeed(viewer, need.villageCode)
	return {
		...need,
		villageName: names.get(need.villageCode) ?? need.villageCode,
		photos,
		duplicateOfNeed,
		progress,
		viewer: {
			isMember,
			// A manager of a verified provider org who does not speak for this village (createCommitment checks again).
			canCommit:
				s === 'published' &&
				!viewer?.memberships.some((m) => m.orgId === need.villageOrgId) &&
				!!viewer?.memberships.some((m) => m.status === 'verified' && (PROVIDER_KINDS as readonly string[]).includes(m.kind) && roleAtLeast(m.role, 'admin')),
			canEdit: isMember && has(['draft', 'returned'], s),
			canSubmit: isManager && has(['draft', 'returned'], s),
			canReview: canReview && s === 'submitted',
			canClose: (isManager || canReview) && s === 'published',
			canCancel: isManager && has(['draft', 'submitted', 'returned', 'published'], s),
			canReconfirm: isManager && has(['published', 'expired'], s),
			canMarkDuplicate: canReview && has(['submitted', 'returned', 'published', 'expired'], s),
			canAddPhoto: isMember && has(PHOTO_STATUSES, s) && photos.length < MAX_NEED_PHOTOS,
			canRemovePhoto: isMember && has(PHOTO_STATUSES, s),
		},
	}
}
export type NeedDetail = NonNullable<Awaited<ReturnType<typeof getNeed>>>

/** A village org's needs the actor may see (all of them for its members), newest change first. */
export async function listNeedsForVillageOrg(db: Kysely<DB>, orgId: string, actor: Actor | null) {
	return db
		.selectFrom('need')
		.selectAll('need')
		.select((eb) => photoCount(eb))
		.where('need.villageOrgId', '=', orgId)
		.where(visibleScope(actor))
		.orderBy('need.updatedAt', 'desc')
		.orderBy('need.id', 'desc')
		.limit(500)
		.execute()
		.then((rows) => rows.map((r) => ({ ...r, photoCount: Number(r.photoCount) })))
}

/**
 * Submitted needs this official may review (county or township jurisdiction; a national admin
 * sees all), oldest submission first, with the village's full name, org name and photo count.
 */
export async function listReviewQueue(db: Kysely<DB>, actor: Actor, options: { limit?: number } = {}) {
	const limit = Math.min(Math.max(options.limit ?? 200, 1), 500)
	const rows = await db
		.selectFrom('need')
		.innerJoin('organization', 'organization.id', 'need.villageOrgId')
		.selectAll('need')
		.select('organization.name as orgName')
		.select((eb) => photoCount(eb))
		.where('need.status', '=', 'submitted')
		.where(reviewScope(actor))
		.orderBy('need.submittedAt')
		.orderBy('need.id')
		.limit(limit)
		.execute()
	const [names, total] = await Promise.all([fullNames(db, [...new Set(rows.map((r) => r.villageCode))]), countNeedsAwaitingReview(db, actor)])
	return {
		rows: rows.map((r) => ({ ...r, photoCount: Number(r.photoCount), villageName: names.get(r.villageCode) ?? r.villageCode })),
		total,
	}
}

export async function countNeedsAwaitingReview(db: Kysely<DB>, actor: Actor): Promise<number> {
	const row = await db
		.selectFrom('need')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('need.status', '=', 'submitted')
		.where(reviewScope(actor))
		.executeTakeFirstOrThrow()
	return Number(row.n)
}

/** The need's timeline (every transition, oldest first); not_found when the viewer may not see the need. */
export async function listNeedEvents(db: Kysely<DB>, needId: string, viewer: Actor | null) {
	const visible = await db.selectFrom('need').select('need.id').where('need.id', '=', needId).where(visibleScope(viewer)).executeTakeFirst()
	if (!visible) throw AppError.notFound()
	return listEvents(db, 'need', needId)
}
