// Tracking delivery: the provider sets milestones (a title, a due date, a share of the whole in
// percent; at most 100 in total) while the commitment is accepted or in delivery, and posts
// progress updates with evidence (photos or PDF documents), optionally reporting a milestone done;
// the village confirms each reported milestone. Each write touches the commitment row first: the
// permission and status sit in that update's where, and it locks the row (MySQL) so concurrent
// milestones cannot push the total share past 100. These writes leave the status and the amounts
// alone, so no search document changes: they record an event but do not requeue the need or offer.
import type { Kysely, Transaction } from 'kysely'
import type { CommitmentStatus, DB } from '#db/schema.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { type CommitmentUpdateInput, CommitmentUpdateSchema, type MilestoneInput, milestoneSchema } from '../commitment.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import type { Actor } from '../policy.server.ts'
import { type UploadFile, type UploadOptions, checkEvidenceFiles, evidenceWriter } from '../upload.server.ts'
import { type CommitmentSide, assertCommitmentPermitted, commitmentSideScope } from './authorize-commitment.server.ts'
import { notifyCommitment } from './notify-commitment.server.ts'
import { COMMITMENT_COLUMNS } from './transition-commitment.server.ts'

/** Milestones are planned while the work lies ahead. */
export const MILESTONE_STATUSES: readonly CommitmentStatus[] = ['accepted', 'in_delivery']
/** Updates and evidence: during delivery, and while a dispute is being settled. */
export const UPDATE_STATUSES: readonly CommitmentStatus[] = ['accepted', 'in_delivery', 'disputed']
/** The village confirms reported milestones until the delivery is verified. */
export const CONFIRM_MILESTONE_STATUSES: readonly CommitmentStatus[] = ['accepted', 'in_delivery', 'delivered', 'disputed']

/**
 * Touches the commitment (updated_at) when the actor may act on `side` and its status is one of
 * `statuses`; otherwise diagnoses: not_found → forbidden → conflict(`conflict`). Returns the row.
 */
async function touch(trx: Transaction<DB>, id: string, actor: Actor, side: CommitmentSide, statuses: readonly CommitmentStatus[], conflict: string, now: number) {
	const result = await trx
		.updateTable('commitment')
		.set({ updatedAt: now })
		.where('id', '=', id)
		.where('status', 'in', [...statuses])
		.where(commitmentSideScope(actor, side))
		.executeTakeFirst()
	const c = await trx.selectFrom('commitment').select([...COMMITMENT_COLUMNS]).where('id', '=', id).executeTakeFirst()
	if (!c) throw AppError.notFound('errors.commitment_not_found')
	if (Number(result.numUpdatedRows) === 0) {
		await assertCommitmentPermitted(trx, c, actor, side)
		throw AppError.conflict(conflict)
	}
	return { ...c, amount: Number(c.amount) }
}

async function shareTotal(db: Kysely<DB>, commitmentId: string): Promise<number> {
	const row = await db
		.selectFrom('commitmentMilestone')
		.select((eb) => eb.fn.sum<number>('share').as('total'))
		.where('commitmentId', '=', commitmentId)
		.executeTakeFirst()
	return Number(row?.total ?? 0)
}

/** The provider (owner/admin) adds a milestone; the shares of a commitment's milestones total at most 100. */
export async function addMilestone(db: Kysely<DB>, commitmentId: string, raw: MilestoneInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(milestoneSchema({ now: () => now }), raw)
	return db.transaction().execute(async (trx) => {
		const c = await touch(trx, commitmentId, actor, 'provider', MILESTONE_STATUSES, 'errors.commitment_milestones_locked', now)
		const total = await shareTotal(trx, commitmentId)
		if (total + input.share > 100) throw AppError.invalid({ share: msg('errors.milestone_share_total', { remaining: Math.max(100 - total, 0) }) })
		const id = newId(now)
		await trx
			.insertInto('commitmentMilestone')
			.values({ id, commitmentId, title: input.title, dueAt: input.dueAt, share: input.share, status: 'open', confirmedBy: null, confirmedAt: null, createdBy: actor.accountId, createdAt: now })
			.execute()
		await recordEvent(
			trx,
			{ entityType: 'commitment', entityId: commitmentId, action: 'add_milestone', fromState: c.status, toState: c.status, note: input.title, actorAccountId: actor.accountId, actorOrgId: c.providerOrgId, requestId: actor.requestId },
			now,
		)
		return { id }
	})
}

/**
 * The provider (owner/admin) posts a progress update with up to MAX_EVIDENCE_FILES evidence files
 * (photos or PDFs, checked by their bytes before anything is written). Naming an open or reported
 * milestone marks it 'reported' and tells the village. Files are removed again if the
 * transaction fails.
 */
export async function postCommitmentUpdate(
	db: Kysely<DB>,
	commitmentId: string,
	raw: CommitmentUpdateInput | Record<string, unknown>,
	files: UploadFile[],
	actor: Actor,
	options: UploadOptions = {},
) {
	const now = options.now ?? Date.now()
	const input = parseInput(CommitmentUpdateSchema, raw)
	const types = checkEvidenceFiles(files)
	const writer = evidenceWriter(options)
	try {
		return await db.transaction().execute(async (trx) => {
			const c = await touch(trx, commitmentId, actor, 'provider', UPDATE_STATUSES, 'errors.commitment_updates_locked', now)
			let milestoneTitle: string | null = null
			if (input.milestoneId) {
				const milestone = await trx
					.selectFrom('commitmentMilestone')
					.select(['id', 'title', 'status'])
					.where('id', '=', input.milestoneId)
					.where('commitmentId', '=', commitmentId)
					.executeTakeFirst()
				if (!milestone) throw AppError.invalid({ milestoneId: 'errors.milestone_not_found' })
				if (milestone.status === 'confirmed') throw AppError.invalid({ milestoneId: 'errors.milestone_already_confirmed' })
				await trx.updateTable('commitmentMilestone').set({ status: 'reported' }).where('id', '=', milestone.id).where('status', 'in', ['open', 'reported']).execute()
				milestoneTitle = milestone.title
			}
			const id = newId(now)
			await trx.insertInto('commitmentUpdate').values({ id, commitmentId, milestoneId: input.milestoneId, body: input.body, createdBy: actor.accountId, createdAt: now }).execute()
			const evidence = await writer.add(trx, id, files, types, actor, now)
			await recordEvent(
				trx,
				{
					entityType: 'commitment',
					entityId: commitmentId,
					action: milestoneTitle === null ? 'post_update' : 'report_milestone',
					fromState: c.status,
					toState: c.status,
					note: milestoneTitle ?? '',
					actorAccountId: actor.accountId,
					actorOrgId: c.providerOrgId,
					requestId: actor.requestId,
				},
				now,
			)
			if (milestoneTitle !== null) await notifyCommitment(trx, c, 'milestone_reported', ['village'], actor.accountId, now, { milestone: milestoneTitle })
			return { id, evidence }
		})
	} catch (error) {
		await writer.discard()
		throw error
	}
}

/** The village (owner/admin) confirms receipt for a reported milestone (reported → confirmed). */
export async function confirmMilestone(db: Kysely<DB>, commitmentId: string, milestoneId: string, actor: Actor, now = Date.now()) {
	return db.transaction().execute(async (trx) => {
		const c = await touch(trx, commitmentId, actor, 'village', CONFIRM_MILESTONE_STATUSES, 'errors.commitment_milestones_locked', now)
		const milestone = await trx.selectFrom('commitmentMilestone').select(['id', 'title', 'status']).where('id', '=', milestoneId).where('commitmentId', '=', commitmentId).executeTakeFirst()
		if (!milestone) throw AppError.notFound('errors.milestone_not_found')
		const result = await trx
			.updateTable('commitmentMilestone')
			.set({ status: 'confirmed', confirmedBy: actor.accountId, confirmedAt: now })
			.where('id', '=', milestoneId)
			.where('status', '=', 'reported')
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) throw AppError.conflict('errors.milestone_not_reported')
		await recordEvent(
			trx,
			{ entityType: 'commitment', entityId: commitmentId, action: 'confirm_milestone', fromState: c.status, toState: c.status, note: milestone.title, actorAccountId: actor.accountId, actorOrgId: c.villageOrgId, requestId: actor.requestId },
			now,
		)
		await notifyCommitment(trx, c, 'milestone_confirmed', ['provider'], actor.accountId, now, { milestone: milestone.title })
		return { id: milestoneId, status: 'confirmed' as const }
	})
}
