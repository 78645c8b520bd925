// Nominations (推荐/自荐) and their review (评审): nominate while the campaign is nominating and
// before its nomination end; score (0–100, one review per reviewer, updatable) and reject while
// it is reviewing. The eligibility check runs at nomination; an ineligible nomination is refused
// and nothing is written.
import { type Kysely, sql } from 'kysely'
import type { DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { type NominationInput, NominationSchema, type RejectNominationInput, RejectNominationSchema, type ReviewInput, ReviewSchema } from '../commendation.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import { type Actor, jurisdictionsOf } from '../policy.server.ts'
import {
	type CampaignHead,
	NOMINATING_ROLES,
	PROVIDER_KINDS,
	assertManages,
	lockCampaign,
	manageScope,
	managingOrgId,
	nominatingOrgId,
	nominatorScope,
} from './authorize-commendation.server.ts'
import { checkEligibility, ineligibleError } from './eligibility.server.ts'

/** How the actor may nominate `orgId` here: for their own org (self) or as an official; else why not. */
async function nominationMode(trx: Kysely<DB>, campaign: CampaignHead, orgId: string, actor: Actor): Promise<'self' | 'official'> {
	// Self-nomination: owner/admin of the verified provider org, read from membership in the query.
	const own = await trx
		.selectFrom('organization')
		.innerJoin('membership', 'membership.orgId', 'organization.id')
		.select('organization.id')
		.where('organization.id', '=', orgId)
		.where('membership.accountId', '=', actor.accountId)
		.where('membership.role', 'in', [...NOMINATING_ROLES])
		.where('organization.status', '=', 'verified')
		.where('organization.kind', 'in', [...PROVIDER_KINDS])
		.executeTakeFirst()
	if (own) return 'self'
	const org = await trx.selectFrom('organization').select(['id', 'kind', 'status']).where('id', '=', orgId).executeTakeFirst()
	if (!org) throw AppError.invalid({ orgId: 'commendation.errors.org_not_found' })
	const official = await trx.selectFrom('campaign').select('id').where('id', '=', campaign.id).where(nominatorScope(actor)).executeTakeFirst()
	if (official) {
		if (!PROVIDER_KINDS.includes(org.kind)) throw AppError.invalid({ orgId: 'commendation.errors.org_kind_not_eligible' })
		if (org.status !== 'verified') throw AppError.invalid({ orgId: 'commendation.errors.org_not_verified' })
		return 'official'
	}
	const membership = actor.memberships.find((m) => m.orgId === orgId)
	if (membership) {
		if (!PROVIDER_KINDS.includes(org.kind)) throw AppError.forbidden('commendation.errors.org_kind_not_eligible')
		if (org.status !== 'verified') throw AppError.forbidden('commendation.errors.org_not_verified')
		throw AppError.forbidden('commendation.errors.self_nomination_admin_only')
	}
	if (jurisdictionsOf(actor).length) throw AppError.forbidden('commendation.errors.outside_campaign_region')
	throw AppError.forbidden('commendation.errors.not_nominator')
}

/**
 * Nominates an org (and for 先进个人 a person of it) in one category of a nominating campaign.
 * Runs the eligibility check and stores its figures with the nomination; refuses an ineligible
 * org with every failed rule named. Nothing is written on any error.
 */
export async function nominate(db: Kysely<DB>, campaignId: string, raw: NominationInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(NominationSchema, raw)
	return db.transaction().execute(async (trx) => {
		const campaign = await lockCampaign(trx, campaignId)
		if (campaign.status === 'draft') {
			const visible = await trx.selectFrom('campaign').select('id').where('id', '=', campaignId).where(manageScope(actor)).executeTakeFirst()
			if (!visible) throw AppError.notFound('commendation.errors.campaign_not_found')
		}
		if (campaign.status !== 'nominating') throw AppError.conflict('commendation.errors.nominations_not_open')
		if (now >= campaign.nominationEndsAt) throw AppError.conflict('commendation.errors.nomination_closed')
		const offered = await trx.selectFrom('campaignCategory').select('quota').where('campaignId', '=', campaignId).where('category', '=', input.category).executeTakeFirst()
		if (!offered) throw AppError.invalid({ category: 'commendation.errors.category_not_offered' })
		const mode = await nominationMode(trx, campaign, input.orgId, actor)
		const existing = await trx
			.selectFrom('nomination')
			.select('id')
			.where('campaignId', '=', campaignId)
			.where('category', '=', input.category)
			.where('orgId', '=', input.orgId)
			.where('personName', '=', input.personName)
			.executeTakeFirst()
		if (existing) throw AppError.conflict('commendation.errors.already_nominated')
		const eligibility = await checkEligibility(trx, campaign, input.orgId, now)
		if (!eligibility.eligible) throw ineligibleError(eligibility)
		const nominatorOrgId = mode === 'self' ? input.orgId : nominatingOrgId(actor, campaign)
		const id = newId(now)
		await trx
			.insertInto('nomination')
			.values({
				id,
				campaignId,
				category: input.category,
				orgId: input.orgId,
				personName: input.personName,
				citation: input.citation,
				eligibility: JSON.stringify(eligibility),
				selfNominated: mode === 'self' ? 1 : 0,
				nominatedBy: actor.accountId,
				nominatorOrgId,
				status: 'nominated',
				statusNote: null,
				createdAt: now,
				updatedAt: now,
			})
			.execute()
		await recordEvent(
			trx,
			{ entityType: 'nomination', entityId: id, action: mode === 'self' ? 'self_nominate' : 'nominate', toState: 'nominated', actorAccountId: actor.accountId, actorOrgId: nominatorOrgId, requestId: actor.requestId },
			now,
		)
		return { id, eligibility }
	})
}

type NominationHead = { id: string; campaignId: string; status: DB['nomination']['status']; orgId: string }

async function loadNomination(trx: Kysely<DB>, nominationId: string): Promise<NominationHead> {
	const row = await trx.selectFrom('nomination').select(['id', 'campaignId', 'status', 'orgId']).where('id', '=', nominationId).executeTakeFirst()
	if (!row) throw AppError.notFound('commendation.errors.nomination_not_found')
	return row
}

/** The nomination's campaign is managed by the actor (raw SQL: snake_case, outer table `nomination`). */
function nominationManagedScope(actor: Actor) {
	return sql<boolean>`nomination.campaign_id in (select campaign.id from campaign where ${manageScope(actor)})`
}

/**
 * An official of the campaign's jurisdiction scores a nomination while the campaign is reviewing;
 * a second score by the same reviewer replaces the first. Returns whether it was an update.
 */
export async function reviewNomination(db: Kysely<DB>, nominationId: string, raw: ReviewInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(ReviewSchema, raw)
	return db.transaction().execute(async (trx) => {
		const head = await loadNomination(trx, nominationId)
		const campaign = await lockCampaign(trx, head.campaignId)
		await assertManages(trx, campaign, actor)
		if (campaign.status !== 'reviewing') throw AppError.conflict('commendation.errors.not_reviewing')
		// Permission and state in the query: a nominated nomination of a campaign the actor manages.
		const target = await trx
			.selectFrom('nomination')
			.select('id')
			.where('id', '=', nominationId)
			.where('status', '=', 'nominated')
			.where(nominationManagedScope(actor))
			.executeTakeFirst()
		if (!target) throw AppError.conflict('commendation.errors.nomination_not_open')
		const existing = await trx.selectFrom('nominationReview').select('score').where('nominationId', '=', nominationId).where('reviewerId', '=', actor.accountId).executeTakeFirst()
		if (existing) {
			await trx
				.updateTable('nominationReview')
				.set({ score: input.score, comment: input.comment, updatedAt: now })
				.where('nominationId', '=', nominationId)
				.where('reviewerId', '=', actor.accountId)
				.execute()
		} else {
			await trx.insertInto('nominationReview').values({ nominationId, reviewerId: actor.accountId, score: input.score, comment: input.comment, createdAt: now, updatedAt: now }).execute()
		}
		await recordEvent(
			trx,
			{
				entityType: 'nomination',
				entityId: nominationId,
				action: existing ? 'review_update' : 'review',
				fromState: head.status,
				toState: head.status,
				note: String(input.score),
				actorAccountId: actor.accountId,
				actorOrgId: managingOrgId(actor, campaign),
				requestId: actor.requestId,
			},
			now,
		)
		return { updated: Boolean(existing) }
	})
}

/** An official of the campaign's jurisdiction rejects a nomination (nominating or reviewing), with a reason. */
export async function rejectNomination(db: Kysely<DB>, nominationId: string, raw: RejectNominationInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(RejectNominationSchema, raw)
	return db.transaction().execute(async (trx) => {
		const head = await loadNomination(trx, nominationId)
		const campaign = await lockCampaign(trx, head.campaignId)
		await assertManages(trx, campaign, actor)
		if (campaign.status !== 'nominating' && campaign.status !== 'reviewing') throw AppError.conflict('commendation.errors.not_reviewing')
		const result = await trx
			.updateTable('nomination')
			.set({ status: 'rejected', statusNote: reason, updatedAt: now })
			.where('id', '=', nominationId)
			.where('status', '=', 'nominated')
			.where(nominationManagedScope(actor))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) throw AppError.conflict('commendation.errors.nomination_not_open')
		await recordEvent(
			trx,
			{
				entityType: 'nomination',
				entityId: nominationId,
				action: 'reject',
				fromState: 'nominated',
				toState: 'rejected',
				note: reason,
				actorAccountId: actor.accountId,
				actorOrgId: managingOrgId(actor, campaign),
				requestId: actor.requestId,
			},
			now,
		)
		return { id: nominationId }
	})
}
