// Reading commitments: one for its page, the lists for a need and an org, the timeline. None is
// public (see authorize-commitment.server.ts); visibility is part of every query's where.
import type { Kysely } from 'kysely'
import type { CommitmentStatus, DB } from '#db/schema.ts'
import { DAY_MS } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { listEvents } from '../event.server.ts'
import { canActForVillage, canReviewNeed, visibleScope as needVisibleScope } from '../need/authorize-need.server.ts'
import type { Actor } from '../policy.server.ts'
import { fullNames } from '../region.server.ts'
import { canActForProvider, canVerifyFor, commitmentVisibleScope } from './authorize-commitment.server.ts'
import { CONFIRM_MILESTONE_STATUSES, MILESTONE_STATUSES, UPDATE_STATUSES } from './track-commitment.server.ts'

/** Overdue is derived, never stored: these statuses, once the due day has ended (China time). */
export const OVERDUE_STATUSES: readonly CommitmentStatus[] = ['accepted', 'in_delivery']

/** Due dates are China midnights and the whole due day counts: overdue from the next midnight. */
export function isOverdue(c: { status: CommitmentStatus; dueAt: number }, now = Date.now()): boolean {
	return OVERDUE_STATUSES.includes(c.status) && now >= Number(c.dueAt) + DAY_MS
}

function baseQuery(db: Kysely<DB>) {
	return db
		.selectFrom('commitment')
		.innerJoin('need', 'need.id', 'commitment.needId')
		.innerJoin('organization as provider', 'provider.id', 'commitment.providerOrgId')
		.innerJoin('organization as village', 'village.id', 'commitment.villageOrgId')
		.leftJoin('offer', 'offer.id', 'commitment.offerId')
		.select([
			'commitment.id',
			'commitment.needId',
			'commitment.offerId',
			'commitment.providerOrgId',
			'commitment.villageOrgId',
			'commitment.villageCode',
			'commitment.amount',
			'commitment.deliveredAmount',
			'commitment.status',
			'commitment.message',
			'commitment.dueAt',
			'commitment.lapseAt',
			'commitment.statusReason',
			'commitment.acceptedAt',
			'commitment.deliveryStartedAt',
			'commitment.deliveredAt',
			'commitment.verifiedAt',
			'commitment.verifiedBy',
			'commitment.closedAt',
			'commitment.createdBy',
			'commitment.createdAt',
			'commitment.updatedAt',
			'need.title as needTitle',
			'need.measure',
			'need.unit',
			'need.target as needTarget',
			'need.status as needStatus',
			'provider.name as providerName',
			'provider.kind as providerKind',
			'village.name as villageOrgName',
			'offer.title as offerTitle',
		])
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number]

function shape(r: Row, now: number) {
	return {
		...r,
		amount: Number(r.amount),
		deliveredAmount: r.deliveredAmount === null ? null : Number(r.deliveredAmount),
		needTarget: Number(r.needTarget),
		dueAt: Number(r.dueAt),
		overdue: isOverdue(r, now),
	}
}

/**
 * One commitment for its page, or undefined when it does not exist or the viewer may not see it:
 * with the need's title, measure and unit, the provider and village names, milestones (by due
 * date), updates with their evidence (newest first), feedback by side, `overdue`, and which
 * actions the viewer's buttons should offer (each write checks again in its own where).
 */
export async function getCommitment(db: Kysely<DB>, id: string, viewer: Actor | null, now = Date.now()) {
	const row = await baseQuery(db).where('commitment.id', '=', id).where(commitmentVisibleScope(viewer)).executeTakeFirst()
	if (!row) return undefined
	const c = shape(row, now)
	const [names, milestones, updates, feedbackRows] = await Promise.all([
		fullNames(db, [c.villageCode]),
		db.selectFrom('commitmentMilestone').selectAll().where('commitmentId', '=', id).orderBy('dueAt').orderBy('id').execute(),
		db
			.selectFrom('commitmentUpdate')
			.leftJoin('account', 'account.id', 'commitmentUpdate.createdBy')
			.selectAll('commitmentUpdate')
			.select('account.displayName as authorName')
			.where('commitmentUpdate.commitmentId', '=', id)
			.orderBy('commitmentUpdate.createdAt', 'desc')
			.orderBy('commitmentUpdate.id', 'desc')
			.execute(),
		db.selectFrom('commitmentFeedback').select(['side', 'rating', 'comment', 'createdAt']).where('commitmentId', '=', id).execute(),
	])
	const evidence = updates.length
		? await db
				.selectFrom('upload')
				.select(['id', 'ownerId', 'kind', 'contentType', 'byteSize', 'originalName', 'createdAt'])
				.where('ownerType', '=', 'commitment_update')
				.where('ownerId', 'in', updates.map((u) => u.id))
				.orderBy('createdAt')
				.orderBy('id')
				.execute()
		: []
	const feedback = {
		village: feedbackRows.find((f) => f.side === 'village'),
		provider: feedbackRows.find((f) => f.side === 'provider'),
	}
	const s = c.status
	const provider = canActForProvider(viewer, c.providerOrgId)
	const village = canActForVillage(viewer, c.villageOrgId, 'admin')
	const official = canVerifyFor(viewer, c.villageCode)
	const shareUsed = milestones.reduce((sum, m) => sum + Number(m.share), 0)
	return {
		...c,
		villageName: names.get(c.villageCode) ?? c.villageCode,
		milestones: milestones.map((m) => ({ ...m, dueAt: Number(m.dueAt), share: Number(m.share) })),
		shareRemaining: Math.max(100 - shareUsed, 0),
		updates: updates.map((u) => ({ ...u, evidence: evidence.filter((e) => e.ownerId === u.id) })),
		feedback,
		viewer: {
			isProvider: canActForProvider(viewer, c.providerOrgId, 'member'),
			isVillage: canActForVillage(viewer, c.villageOrgId),
			isOfficial: !!viewer && canReviewNeed(viewer, c.villageCode),
			canAccept: village && s === 'pledged',
			canDecline: village && s === 'pledged',
			canWithdraw: provider && ['pledged', 'accepted', 'in_delivery'].includes(s),
			canStart: provider && s === 'accepted',
			canAddMilestone: provider && MILESTONE_STATUSES.includes(s) && shareUsed < 100,
			canPostUpdate: provider && UPDATE_STATUSES.includes(s),
			canConfirmMilestone: village && CONFIRM_MILESTONE_STATUSES.includes(s) && milestones.some((m) => m.status === 'reported'),
			canConfirmDelivery: village && ['in_delivery', 'disputed'].includes(s),
			canVerify: official && ['delivered', 'disputed'].includes(s),
			canDispute: official && s === 'delivered',
			canGiveFeedback: {
				village: village && s === 'verified' && !feedback.village,
				provider: provider && s === 'verified' && !feedback.provider,
			},
		},
	}
}
export type CommitmentDetail = NonNullable<Awaited<ReturnType<typeof getCommitment>>>

/**
 * The commitments on a need that the viewer may see (all of them for the village and its
 * officials, its own for a provider), newest first; not_found when the viewer may not see the need.
 */
export async function listCommitmentsForNeed(db: Kysely<DB>, needId: string, viewer: Actor | null, now = Date.now()) {
	const need = await db.selectFrom('need').select('need.id').where('need.id', '=', needId).where(needVisibleScope(viewer)).executeTakeFirst()
	if (!need) throw AppError.notFound('errors.need_not_found')
	const rows = await baseQuery(db)
		.where('commitment.needId', '=', needId)
		.where(commitmentVisibleScope(viewer))
		.orderBy('commitment.createdAt', 'desc')
		.orderBy('commitment.id', 'desc')
		.limit(500)
		.execute()
	return rows.map((r) => shape(r, now))
}

/**
 * An org's commitments, as provider or as village (`side`; both when omitted), that the viewer
 * may see, most recently changed first; optionally only some statuses.
 */
export async function listCommitmentsForOrg(
	db: Kysely<DB>,
	orgId: string,
	viewer: Actor | null,
	options: { side?: 'provider' | 'village'; statuses?: readonly CommitmentStatus[]; limit?: number } = {},
	now = Date.now(),
) {
	const limit = Math.min(Math.max(options.limit ?? 200, 1), 500)
	let query = baseQuery(db)
		.where((eb) =>
			options.side === 'provider'
				? eb('commitment.providerOrgId', '=', orgId)
				: options.side === 'village'
					? eb('commitment.villageOrgId', '=', orgId)
					: eb.or([eb('commitment.providerOrgId', '=', orgId), eb('commitment.villageOrgId', '=', orgId)]),
		)
		.where(commitmentVisibleScope(viewer))
	if (options.statuses?.length) query = query.where('commitment.status', 'in', [...options.statuses])
	const rows = await query.orderBy('commitment.updatedAt', 'desc').orderBy('commitment.id', 'desc').limit(limit).execute()
	return rows.map((r) => shape(r, now))
}

/** The commitment's timeline (every change, oldest first); not_found when the viewer may not see it. */
export async function listCommitmentEvents(db: Kysely<DB>, id: string, viewer: Actor | null) {
	const visible = await db.selectFrom('commitment').select('commitment.id').where('commitment.id', '=', id).where(commitmentVisibleScope(viewer)).executeTakeFirst()
	if (!visible) throw AppError.notFound('errors.commitment_not_found')
	return listEvents(db, 'commitment', id)
}
