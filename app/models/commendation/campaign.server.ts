// A campaign's own lifecycle: created as a draft by an official at its level, then
//   draft → nominating → reviewing → notice (notice.server.ts) → decided (notice.server.ts)
//   draft | nominating | reviewing | notice → cancelled (with a reason)
// Each change is one transaction: lock the campaign, one update whose where holds the expected
// status and the permission, then the event. When the update changes nothing the cause is
// diagnosed (not_found → forbidden → conflict) and nothing is written.
import type { Kysely, Updateable } from 'kysely'
import type { CampaignStatus, CampaignTable, DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { type CampaignInput, type CancelCampaignInput, CancelCampaignSchema, campaignSchema } from '../commendation.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import type { Actor } from '../policy.server.ts'
import { type CampaignHead, assertManages, lockCampaign, manageScope, managingOrgId, organizerOptions } from './authorize-commendation.server.ts'

/**
 * Creates a draft campaign. The level must be the organizer's: a province org organizes
 * provincial campaigns, a city org city ones, a county org county ones, and only national admins
 * national ones (region ''). Nothing is written on any error.
 */
export async function createCampaign(db: Kysely<DB>, raw: CampaignInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(
		campaignSchema(() => now),
		raw,
	)
	const options = organizerOptions(actor)
	if (!options.length) throw AppError.forbidden('commendation.errors.not_official')
	if (input.level === 'national' && !actor.isNationalAdmin) throw AppError.invalid({ level: 'commendation.errors.level_national_admin_only' })
	const atLevel = options.filter((o) => o.level === input.level)
	const organizer = input.organizerOrgId ? atLevel.find((o) => o.orgId === input.organizerOrgId) : atLevel.length === 1 ? atLevel[0] : undefined
	if (!organizer) {
		if (input.organizerOrgId && options.some((o) => o.orgId === input.organizerOrgId)) throw AppError.invalid({ level: 'commendation.errors.level_mismatch' })
		if (input.organizerOrgId) throw AppError.invalid({ organizerOrgId: 'commendation.errors.organizer_invalid' })
		if (!atLevel.length) throw AppError.invalid({ level: 'commendation.errors.level_mismatch' })
		throw AppError.invalid({ organizerOrgId: 'commendation.errors.organizer_required' })
	}
	return db.transaction().execute(async (trx) => {
		// The organizer's membership is read again inside the transaction: the where holds the rule.
		if (organizer.orgId) {
			const member = await trx
				.selectFrom('membership')
				.innerJoin('organization', 'organization.id', 'membership.orgId')
				.select('organization.id')
				.where('membership.accountId', '=', actor.accountId)
				.where('organization.id', '=', organizer.orgId)
				.where('organization.kind', '=', 'government')
				.where('organization.status', '=', 'verified')
				.executeTakeFirst()
			if (!member) throw AppError.forbidden('commendation.errors.not_official')
		}
		const id = newId(now)
		await trx
			.insertInto('campaign')
			.values({
				id,
				title: input.title,
				year: input.year,
				level: organizer.level,
				regionCode: organizer.regionCode,
				organizerOrgId: organizer.orgId,
				description: input.description,
				periodStart: input.periodStart,
				periodEnd: input.periodEnd,
				minVerifiedAmount: input.minVerifiedAmount,
				minVerifiedCount: input.minVerifiedCount,
				nominationEndsAt: input.nominationEndsAt,
				status: 'draft',
				noticeStartsAt: null,
				noticeEndsAt: null,
				decidedAt: null,
				createdBy: actor.accountId,
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		await trx
			.insertInto('campaignCategory')
			.values(input.categories.map((c) => ({ campaignId: id, category: c.category, quota: c.quota })))
			.execute()
		await recordEvent(trx, { entityType: 'campaign', entityId: id, action: 'create', toState: 'draft', actorAccountId: actor.accountId, actorOrgId: organizer.orgId, requestId: actor.requestId }, now)
		return { id }
	})
}

export type CampaignMove = {
	action: string
	from: readonly CampaignStatus[]
	to: CampaignStatus
	/** i18n key of the conflict when the campaign is not in one of `from`. */
	conflict: string
	note?: string
	set?: Updateable<CampaignTable>
}

/**
 * Moves a locked campaign (inside the caller's transaction): one update holding the status read
 * and the permission, then the event. Diagnoses a refusal; returns the status it came from.
 */
export async function moveCampaign(trx: Kysely<DB>, campaign: CampaignHead, move: CampaignMove, actor: Actor, now: number): Promise<CampaignStatus> {
	const result = await trx
		.updateTable('campaign')
		.set({ ...move.set, status: move.to, updatedAt: now })
		.where('id', '=', campaign.id)
		.where('status', '=', campaign.status)
		.where('status', 'in', [...move.from])
		.where(manageScope(actor))
		.executeTakeFirst()
	if (Number(result.numUpdatedRows) === 0) {
		await assertManages(trx, campaign, actor)
		throw AppError.conflict(move.conflict)
	}
	await recordEvent(
		trx,
		{
			entityType: 'campaign',
			entityId: campaign.id,
			action: move.action,
			fromState: campaign.status,
			toState: move.to,
			note: move.note ?? '',
			actorAccountId: actor.accountId,
			actorOrgId: managingOrgId(actor, campaign),
			requestId: actor.requestId,
		},
		now,
	)
	return campaign.status
}

/** draft → nominating; refused once the nomination end date has passed. */
export async function openNominations(db: Kysely<DB>, campaignId: string, actor: Actor, now = Date.now()) {
	return db.transaction().execute(async (trx) => {
		const campaign = await lockCampaign(trx, campaignId)
		if (campaign.status === 'draft' && now >= campaign.nominationEndsAt) {
			await assertManages(trx, campaign, actor)
			throw AppError.conflict('commendation.errors.nomination_end_passed')
		}
		await moveCampaign(trx, campaign, { action: 'open_nominations', from: ['draft'], to: 'nominating', conflict: 'commendation.errors.not_draft' }, actor, now)
		return { id: campaignId }
	})
}

/** nominating → reviewing: nominations close and scoring starts. */
export async function startReview(db: Kysely<DB>, campaignId: string, actor: Actor, now = Date.now()) {
	return db.transaction().execute(async (trx) => {
		const campaign = await lockCampaign(trx, campaignId)
		await moveCampaign(trx, campaign, { action: 'start_review', from: ['nominating'], to: 'reviewing', conflict: 'commendation.errors.not_nominating' }, actor, now)
		return { id: campaignId }
	})
}

/** Any open state → cancelled, with a reason; a decided campaign stays decided. */
export async function cancelCampaign(db: Kysely<DB>, campaignId: string, raw: CancelCampaignInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(CancelCampaignSchema, raw)
	return db.transaction().execute(async (trx) => {
		const campaign = await lockCampaign(trx, campaignId)
		await moveCampaign(
			trx,
			campaign,
			{ action: 'cancel', from: ['draft', 'nominating', 'reviewing', 'notice'], to: 'cancelled', conflict: 'commendation.errors.not_cancellable', note: reason },
			actor,
			now,
		)
		return { id: campaignId }
	})
}
