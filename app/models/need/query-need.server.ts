// Reading needs: one need for its page, a village's list, an official's review queue, the timeline.
// Visibility is part of every query's where (see authorize-need.server.ts).
import type { ExpressionBuilder, Kysely } from 'kysely'
import type { DB, NeedStatus } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { listEvents } from '../event.server.ts'
import { MAX_NEED_PHOTOS } from '../need.schema.ts'
import type { Actor } from '../policy.server.ts'
import { fullNames } from '../region.server.ts'
import { PHOTO_STATUSES, canActForVillage, canReviewNeed, reviewScope, visibleScope } from './authorize-need.server.ts'

export type Level = 'none' | 'partial' | 'full'
export type NeedProgress = { committed: number; delivered: number; verified: number; coverage: Level; delivery: Level }

// NOTE: commitments arrive with a later issue; until then nothing is committed, delivered or
// verified, and coverage/delivery are derived as none. Replace this with the derivation from
// accepted-or-later commitments, never with stored columns.
function progressOf(): NeedProgress {
	return { committed: 0, delivered: 0, verified: 0, coverage: 'none', delivery: 'none' }
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
 * the village's full name, the org's name, photos, progress (see NOTE above) and which actions the
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
	const [names, photos, duplicateOfNeed] = await Promise.all([
		fullNames(db, [need.villageCode]),
		listNeedPhotos(db, id),
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
		progress: progressOf(),
		viewer: {
			isMember,
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
