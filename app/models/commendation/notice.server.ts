// The public notice (公示) and the decision (决定):
//   reviewing → notice: the official picks, per category, at most its quota of nominations (the
//     shortlist); the other nominations are rejected with a note; the window starts now or later
//     and lasts at least MIN_NOTICE_DAYS.
//   During [notice_starts_at, notice_ends_at) any signed-in account may object to a shortlisted
//     nomination; the organizing org is told. Officials resolve objections: upheld rejects the
//     nomination, dismissed leaves it.
//   notice → decided: only once the window has ended and no objection is open; each remaining
//     nomination is awarded, with a certificate number <year>-<region or CN>-<NNN>.
import type { Kysely } from 'kysely'
import type { AwardCategory, DB } from '#db/schema.ts'
import { AppError, msg } from '#app/utils/errors.ts'
import { newId } from '#app/utils/id.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import {
	AWARD_CATEGORIES,
	type NoticeInput,
	type ObjectionInput,
	ObjectionSchema,
	type ResolveObjectionInput,
	ResolveObjectionSchema,
	noticeSchema,
} from '../commendation.schema.ts'
import { recordEvent } from '../event.server.ts'
import { parseInput } from '../need/transition-need.server.ts'
import { notify } from '../notification.server.ts'
import type { Actor } from '../policy.server.ts'
import { assertManages, lockCampaign, manageScope, managingOrgId } from './authorize-commendation.server.ts'
import { moveCampaign } from './campaign.server.ts'

export const NOT_SHORTLISTED_NOTE = 'commendation.notes.not_shortlisted'

/** Category labels for notifications (stored with the notification, so Chinese first). */
const CATEGORY_LABEL_ZH: Record<AwardCategory, string> = { advanced_individual: '先进个人', advanced_collective: '先进集体', social_contribution: '社会帮扶贡献奖' }

/** Starts the 公示 with a shortlist (see the header). Nothing is written on any error. */
export async function startNotice(db: Kysely<DB>, campaignId: string, raw: NoticeInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const input = parseInput(
		noticeSchema(() => now),
		raw,
	)
	return db.transaction().execute(async (trx) => {
		const campaign = await lockCampaign(trx, campaignId)
		await assertManages(trx, campaign, actor)
		if (campaign.status !== 'reviewing') throw AppError.conflict('commendation.errors.not_reviewing')
		const open = await trx.selectFrom('nomination').select(['id', 'category']).where('campaignId', '=', campaignId).where('status', '=', 'nominated').execute()
		const byId = new Map(open.map((n) => [n.id, n]))
		if (input.shortlist.some((id) => !byId.has(id))) throw AppError.invalid({ shortlist: 'commendation.errors.shortlist_unknown' })
		const quotas = await trx.selectFrom('campaignCategory').select(['category', 'quota']).where('campaignId', '=', campaignId).execute()
		for (const category of AWARD_CATEGORIES) {
			const quota = Number(quotas.find((q) => q.category === category)?.quota ?? 0)
			const chosen = input.shortlist.filter((id) => byId.get(id)?.category === category).length
			if (chosen > quota) throw AppError.invalid({ shortlist: msg(`commendation.errors.over_quota_${category}`, { quota, chosen }) })
		}
		await moveCampaign(
			trx,
			campaign,
			{
				action: 'start_notice',
				from: ['reviewing'],
				to: 'notice',
				conflict: 'commendation.errors.not_reviewing',
				note: `${formatChinaDate(input.noticeStartsAt)} – ${formatChinaDate(input.noticeEndsAt - 1)}`,
				set: { noticeStartsAt: input.noticeStartsAt, noticeEndsAt: input.noticeEndsAt },
			},
			actor,
			now,
		)
		const shortlisted = new Set(input.shortlist)
		const actorOrgId = managingOrgId(actor, campaign)
		for (const n of open) {
			if (shortlisted.has(n.id)) continue
			await trx.updateTable('nomination').set({ status: 'rejected', statusNote: NOT_SHORTLISTED_NOTE, updatedAt: now }).where('id', '=', n.id).where('status', '=', 'nominated').execute()
			await recordEvent(
				trx,
				{ entityType: 'nomination', entityId: n.id, action: 'not_shortlisted', fromState: 'nominated', toState: 'rejected', note: NOT_SHORTLISTED_NOTE, actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId },
				now,
			)
		}
		return { id: campaignId, shortlisted: input.shortlist.length, rejected: open.length - input.shortlist.length }
	})
}

async function nominationWithCampaign(trx: Kysely<DB>, nominationId: string) {
	const row = await trx
		.selectFrom('nomination')
		.innerJoin('organization', 'organization.id', 'nomination.orgId')
		.select(['nomination.id', 'nomination.campaignId', 'nomination.status', 'nomination.personName', 'organization.name as orgName'])
		.where('nomination.id', '=', nominationId)
		.executeTakeFirst()
	if (!row) throw AppError.notFound('commendation.errors.nomination_not_found')
	return row
}

function nomineeLabel(n: { orgName: string; personName: string }) {
	return n.personName ? `${n.orgName} ${n.personName}` : n.orgName
}

/**
 * Any signed-in account objects to a shortlisted nomination, only within the notice window.
 * The organizing org's members (national admins for a national campaign without one) are told.
 */
export async function fileObjection(db: Kysely<DB>, nominationId: string, raw: ObjectionInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { reason } = parseInput(ObjectionSchema, raw)
	return db.transaction().execute(async (trx) => {
		const n = await nominationWithCampaign(trx, nominationId)
		const campaign = await lockCampaign(trx, n.campaignId)
		if (campaign.status === 'draft') throw AppError.notFound('commendation.errors.nomination_not_found')
		if (campaign.status !== 'notice' || campaign.noticeStartsAt === null || campaign.noticeEndsAt === null) throw AppError.conflict('commendation.errors.not_in_notice')
		if (now < campaign.noticeStartsAt) throw AppError.conflict(msg('commendation.errors.notice_not_started', { date: formatChinaDate(campaign.noticeStartsAt) }))
		if (now >= campaign.noticeEndsAt) throw AppError.conflict(msg('commendation.errors.notice_ended', { date: formatChinaDate(campaign.noticeEndsAt - 1) }))
		if (n.status !== 'nominated') throw AppError.conflict('commendation.errors.nomination_not_shortlisted')
		const id = newId(now)
		await trx.insertInto('objection').values({ id, nominationId, accountId: actor.accountId, reason, status: 'open', resolution: null, resolvedBy: null, resolvedAt: null, createdAt: now }).execute()
		await recordEvent(trx, { entityType: 'objection', entityId: id, action: 'file', toState: 'open', note: nominationId, actorAccountId: actor.accountId, requestId: actor.requestId }, now)
		const params = { campaign: campaign.title, nominee: nomineeLabel(n) }
		if (campaign.organizerOrgId) {
			await notify(trx, { orgIds: [campaign.organizerOrgId], kind: 'objection_filed', entityType: 'campaign', entityId: campaign.id, params, exceptAccountId: actor.accountId }, now)
		} else {
			const admins = await trx.selectFrom('account').select('id').where('isNationalAdmin', '=', 1).execute()
			await notify(trx, { accountIds: admins.map((a) => a.id), kind: 'objection_filed', entityType: 'campaign', entityId: campaign.id, params, exceptAccountId: actor.accountId }, now)
		}
		return { id }
	})
}

/** An official of the campaign's jurisdiction resolves an open objection while the campaign is in notice. */
export async function resolveObjection(db: Kysely<DB>, objectionId: string, raw: ResolveObjectionInput | Record<string, unknown>, actor: Actor, now = Date.now()) {
	const { decision, resolution } = parseInput(ResolveObjectionSchema, raw)
	return db.transaction().execute(async (trx) => {
		const objection = await trx.selectFrom('objection').select(['id', 'nominationId', 'status']).where('id', '=', objectionId).executeTakeFirst()
		if (!objection) throw AppError.notFound('commendation.errors.objection_not_found')
		const n = await nominationWithCampaign(trx, objection.nominationId)
		const campaign = await lockCampaign(trx, n.campaignId)
		await assertManages(trx, campaign, actor)
		if (campaign.status !== 'notice') throw AppError.conflict('commendation.errors.not_in_notice')
		// Permission and state in the where: an open objection on a nomination of a campaign the actor manages.
		const result = await trx
			.updateTable('objection')
			.set({ status: decision, resolution, resolvedBy: actor.accountId, resolvedAt: now })
			.where('id', '=', objectionId)
			.where('status', '=', 'open')
			.where('nominationId', 'in', (eb) => eb.selectFrom('nomination').innerJoin('campaign', 'campaign.id', 'nomination.campaignId').select('nomination.id').where(manageScope(actor)))
			.executeTakeFirst()
		if (Number(result.numUpdatedRows) === 0) throw AppError.conflict('commendation.errors.objection_resolved')
		const actorOrgId = managingOrgId(actor, campaign)
		await recordEvent(trx, { entityType: 'objection', entityId: objectionId, action: 'resolve', fromState: 'open', toState: decision, note: resolution, actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId }, now)
		if (decision === 'upheld') {
			const rejected = await trx.updateTable('nomination').set({ status: 'rejected', statusNote: resolution, updatedAt: now }).where('id', '=', n.id).where('status', '=', 'nominated').executeTakeFirst()
			if (Number(rejected.numUpdatedRows) > 0) {
				await recordEvent(
					trx,
					{ entityType: 'nomination', entityId: n.id, action: 'objection_upheld', fromState: 'nominated', toState: 'rejected', note: resolution, actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId },
					now,
				)
			}
		}
		return { id: objectionId, status: decision }
	})
}

/** The next free running number for certificates of this year and region. */
async function nextCertificateNumber(trx: Kysely<DB>, prefix: string): Promise<number> {
	const rows = await trx.selectFrom('award').select('certificateNo').where('certificateNo', 'like', `${prefix}%`).execute()
	return rows.reduce((max, r) => Math.max(max, Number(r.certificateNo.slice(prefix.length)) || 0), 0) + 1
}

/**
 * Decides the campaign once the notice window has ended and no objection is open: every
 * remaining shortlisted nomination is awarded (category order, then nomination order), each
 * nominee org is told. Returns the awards made.
 */
export async function decideCampaign(db: Kysely<DB>, campaignId: string, actor: Actor, now = Date.now()) {
	return db.transaction().execute(async (trx) => {
		const campaign = await lockCampaign(trx, campaignId)
		await assertManages(trx, campaign, actor)
		if (campaign.status !== 'notice' || campaign.noticeEndsAt === null) throw AppError.conflict('commendation.errors.not_in_notice')
		if (now < campaign.noticeEndsAt) throw AppError.conflict(msg('commendation.errors.notice_not_ended', { date: formatChinaDate(campaign.noticeEndsAt - 1) }))
		const openObjections = await trx
			.selectFrom('objection')
			.innerJoin('nomination', 'nomination.id', 'objection.nominationId')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('nomination.campaignId', '=', campaignId)
			.where('objection.status', '=', 'open')
			.executeTakeFirstOrThrow()
		if (Number(openObjections.n) > 0) throw AppError.conflict(msg('commendation.errors.open_objections', { count: Number(openObjections.n) }))
		await moveCampaign(trx, campaign, { action: 'decide', from: ['notice'], to: 'decided', conflict: 'commendation.errors.not_in_notice', set: { decidedAt: now } }, actor, now)
		const remaining = await trx
			.selectFrom('nomination')
			.innerJoin('organization', 'organization.id', 'nomination.orgId')
			.select(['nomination.id', 'nomination.category', 'nomination.orgId', 'nomination.personName', 'organization.name as orgName'])
			.where('nomination.campaignId', '=', campaignId)
			.where('nomination.status', '=', 'nominated')
			.orderBy('nomination.createdAt')
			.orderBy('nomination.id')
			.execute()
		remaining.sort((a, b) => AWARD_CATEGORIES.indexOf(a.category) - AWARD_CATEGORIES.indexOf(b.category))
		const prefix = `${campaign.year}-${campaign.regionCode || 'CN'}-`
		let next = await nextCertificateNumber(trx, prefix)
		const actorOrgId = managingOrgId(actor, campaign)
		const awards: Array<{ id: string; nominationId: string; certificateNo: string }> = []
		for (const n of remaining) {
			const certificateNo = `${prefix}${String(next++).padStart(3, '0')}`
			const id = newId(now)
			await trx.updateTable('nomination').set({ status: 'awarded', updatedAt: now }).where('id', '=', n.id).where('status', '=', 'nominated').execute()
			await trx.insertInto('award').values({ id, campaignId, nominationId: n.id, category: n.category, orgId: n.orgId, personName: n.personName, certificateNo, awardedAt: now }).execute()
			await recordEvent(
				trx,
				{ entityType: 'nomination', entityId: n.id, action: 'award', fromState: 'nominated', toState: 'awarded', note: certificateNo, actorAccountId: actor.accountId, actorOrgId, requestId: actor.requestId },
				now,
			)
			await notify(
				trx,
				{
					orgIds: [n.orgId],
					kind: 'award_granted',
					entityType: 'award',
					entityId: id,
					params: { nominee: nomineeLabel(n), campaign: campaign.title, category: CATEGORY_LABEL_ZH[n.category], certificate: certificateNo },
				},
				now,
			)
			awards.push({ id, nominationId: n.id, certificateNo })
		}
		return { id: campaignId, awards }
	})
}
