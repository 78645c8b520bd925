// Reading campaigns and their nominations (the honor roll and leaderboard: honors.server.ts).
// Visibility is in the where: a draft only to its managers; scores, objections and every
// nomination only to managers; the public sees the shortlist from the notice on and the awards;
// nominators and nominee members see their own nominations.
import { type Kysely, sql } from 'kysely'
import type { AwardCategory, DB, OrgKind } from '#db/schema.ts'
import { AWARD_CATEGORIES } from '../commendation.schema.ts'
import { verifiedContribution } from '../contribution.server.ts'
import type { Actor } from '../policy.server.ts'
import { isRegionCode } from '../region-code.ts'
import { fullNames } from '../region.server.ts'
import { NOMINATING_ROLES, PROVIDER_KINDS, manageScope, manages, nominatesAsOfficial, visibleScope } from './authorize-commendation.server.ts'
import { type Eligibility, checkEligibility, parseEligibility } from './eligibility.server.ts'

const n = (v: number | string | null) => (v === null ? null : Number(v))

async function regionNames(db: Kysely<DB>, codes: string[]) {
	return fullNames(db, [...new Set(codes.filter((c) => isRegionCode(c)))])
}

/** Campaigns the actor may see, newest first (at most 200). */
export async function listCampaigns(db: Kysely<DB>, actor: Actor | null) {
	const rows = await db
		.selectFrom('campaign')
		.leftJoin('organization', 'organization.id', 'campaign.organizerOrgId')
		.select([
			'campaign.id',
			'campaign.title',
			'campaign.year',
			'campaign.level',
			'campaign.regionCode',
			'campaign.status',
			'campaign.nominationEndsAt',
			'campaign.noticeStartsAt',
			'campaign.noticeEndsAt',
			'campaign.createdAt',
			'organization.name as organizerName',
		])
		.where(visibleScope(actor))
		.orderBy('campaign.createdAt', 'desc')
		.orderBy('campaign.id', 'desc')
		.limit(200)
		.execute()
	const names = await regionNames(
		db,
		rows.map((r) => r.regionCode),
	)
	return rows.map((r) => ({
		...r,
		year: Number(r.year),
		nominationEndsAt: Number(r.nominationEndsAt),
		noticeStartsAt: n(r.noticeStartsAt),
		noticeEndsAt: n(r.noticeEndsAt),
		createdAt: Number(r.createdAt),
		regionName: names.get(r.regionCode) ?? '',
		organizerName: r.organizerName ?? '',
		manages: manages(actor, r),
	}))
}

export type NominationRow = {
	id: string
	category: AwardCategory
	orgId: string
	orgName: string
	orgKind: OrgKind
	personName: string
	citation: string
	status: DB['nomination']['status']
	statusNote: string | null
	selfNominated: boolean
	nominatorName: string
	eligibility: Eligibility | undefined
	/** Re-run for managers while reviewing. */
	liveEligibility: Eligibility | undefined
	meanScore: number | null
	reviewCount: number
	myReview: { score: number; comment: string } | null
	objections: Array<{ id: string; reason: string; status: DB['objection']['status']; resolution: string | null; createdAt: number }>
	award: { id: string; certificateNo: string } | null
}

/**
 * One campaign with what the viewer may see and do, or undefined when it does not exist or is a
 * draft the viewer does not manage.
 */
export async function getCampaignDetail(db: Kysely<DB>, campaignId: string, actor: Actor | null, now = Date.now()) {
	const c = await db
		.selectFrom('campaign')
		.leftJoin('organization', 'organization.id', 'campaign.organizerOrgId')
		.selectAll('campaign')
		.select('organization.name as organizerName')
		.where('campaign.id', '=', campaignId)
		.where(visibleScope(actor))
		.executeTakeFirst()
	if (!c) return undefined
	const campaign = {
		...c,
		year: Number(c.year),
		periodStart: Number(c.periodStart),
		periodEnd: Number(c.periodEnd),
		minVerifiedAmount: Number(c.minVerifiedAmount),
		minVerifiedCount: Number(c.minVerifiedCount),
		nominationEndsAt: Number(c.nominationEndsAt),
		noticeStartsAt: n(c.noticeStartsAt),
		noticeEndsAt: n(c.noticeEndsAt),
		decidedAt: n(c.decidedAt),
		createdAt: Number(c.createdAt),
		organizerName: c.organizerName ?? '',
	}
	const categories = (await db.selectFrom('campaignCategory').select(['category', 'quota']).where('campaignId', '=', campaignId).execute())
		.map((r) => ({ category: r.category, quota: Number(r.quota) }))
		.sort((a, b) => AWARD_CATEGORIES.indexOf(a.category) - AWARD_CATEGORIES.indexOf(b.category))
	const isManager = actor ? Boolean(await db.selectFrom('campaign').select('id').where('id', '=', campaignId).where(manageScope(actor)).executeTakeFirst()) : false
	const ownOrgIds = actor ? actor.memberships.map((m) => m.orgId) : []

	let q = db
		.selectFrom('nomination')
		.innerJoin('organization', 'organization.id', 'nomination.orgId')
		.leftJoin('account', 'account.id', 'nomination.nominatedBy')
		.leftJoin('award', 'award.nominationId', 'nomination.id')
		.select([
			'nomination.id',
			'nomination.category',
			'nomination.orgId',
			'organization.name as orgName',
			'organization.kind as orgKind',
			'nomination.personName',
			'nomination.citation',
			'nomination.status',
			'nomination.statusNote',
			'nomination.selfNominated',
			'nomination.eligibility',
			'nomination.createdAt',
			'account.displayName as nominatorName',
			'award.id as awardId',
			'award.certificateNo',
		])
		.where('nomination.campaignId', '=', campaignId)
	if (!isManager) {
		const publicStatuses = campaign.status === 'notice' ? (['nominated'] as const) : campaign.status === 'decided' ? (['awarded'] as const) : []
		q = q.where((eb) =>
			eb.or([
				...(publicStatuses.length ? [eb('nomination.status', 'in', [...publicStatuses])] : []),
				...(actor ? [eb('nomination.nominatedBy', '=', actor.accountId)] : []),
				...(ownOrgIds.length ? [eb('nomination.orgId', 'in', ownOrgIds)] : []),
				sql<boolean>`1 = 0`,
			]),
		)
	}
	const rows = await q.orderBy('nomination.createdAt').orderBy('nomination.id').execute()
	const ids = rows.map((r) => r.id)
	const scores = ids.length
		? await db
				.selectFrom('nominationReview')
				.select((eb) => ['nominationId', eb.fn.avg<number | string>('score').as('mean'), eb.fn.countAll<number | string>().as('reviews')])
				.where('nominationId', 'in', ids)
				.groupBy('nominationId')
				.execute()
		: []
	const mine = actor && ids.length ? await db.selectFrom('nominationReview').select(['nominationId', 'score', 'comment']).where('nominationId', 'in', ids).where('reviewerId', '=', actor.accountId).execute() : []
	const objections = isManager && ids.length ? await db.selectFrom('objection').select(['id', 'nominationId', 'reason', 'status', 'resolution', 'createdAt']).where('nominationId', 'in', ids).orderBy('createdAt').execute() : []
	const nominations: NominationRow[] = []
	for (const r of rows) {
		const score = scores.find((s) => s.nominationId === r.id)
		const my = mine.find((m) => m.nominationId === r.id)
		nominations.push({
			id: r.id,
			category: r.category,
			orgId: r.orgId,
			orgName: r.orgName,
			orgKind: r.orgKind,
			personName: r.personName,
			citation: r.citation,
			status: r.status,
			statusNote: r.statusNote,
			selfNominated: Number(r.selfNominated) === 1,
			nominatorName: r.nominatorName ?? '',
			eligibility: parseEligibility(r.eligibility),
			liveEligibility: isManager && campaign.status === 'reviewing' && r.status === 'nominated' ? await checkEligibility(db, campaign, r.orgId, now) : undefined,
			meanScore: isManager && score ? Math.round(Number(score.mean) * 10) / 10 : null,
			reviewCount: isManager && score ? Number(score.reviews) : 0,
			myReview: isManager && my ? { score: Number(my.score), comment: my.comment } : null,
			objections: objections.filter((o) => o.nominationId === r.id).map((o) => ({ id: o.id, reason: o.reason, status: o.status, resolution: o.resolution, createdAt: Number(o.createdAt) })),
			award: r.awardId && r.certificateNo ? { id: r.awardId, certificateNo: r.certificateNo } : null,
		})
	}
	const names = await regionNames(db, [campaign.regionCode])
	const selfOrgs = actor
		? actor.memberships
				.filter((m) => m.status === 'verified' && PROVIDER_KINDS.includes(m.kind) && (NOMINATING_ROLES as readonly string[]).includes(m.role))
				.map((m) => ({ id: m.orgId, name: m.orgName }))
		: []
	const inNotice = campaign.status === 'notice' && campaign.noticeStartsAt !== null && campaign.noticeEndsAt !== null && now >= campaign.noticeStartsAt && now < campaign.noticeEndsAt
	return {
		campaign: { ...campaign, regionName: names.get(campaign.regionCode) ?? '' },
		categories,
		nominations,
		viewer: {
			signedIn: Boolean(actor),
			manages: isManager,
			nominatesAsOfficial: nominatesAsOfficial(actor, campaign),
			selfOrgs,
			canNominate: campaign.status === 'nominating' && now < campaign.nominationEndsAt && (nominatesAsOfficial(actor, campaign) || selfOrgs.length > 0),
			canObject: Boolean(actor) && inNotice,
			noticeOpen: inNotice,
			noticeEnded: campaign.status === 'notice' && campaign.noticeEndsAt !== null && now >= campaign.noticeEndsAt,
		},
	}
}

/**
 * Orgs an official might nominate: verified providers with verified contribution in the
 * campaign's period and region, largest first (at most 200).
 */
export async function nominationCandidates(db: Kysely<DB>, campaign: { regionCode: string; periodStart: number; periodEnd: number }) {
	const figures = (await verifiedContribution(db, { regionCode: campaign.regionCode || undefined, start: campaign.periodStart, end: campaign.periodEnd })).slice(0, 1000)
	if (!figures.length) return []
	const orgs = await db
		.selectFrom('organization')
		.select(['id', 'name', 'kind'])
		.where('id', 'in', figures.map((f) => f.orgId))
		.where('status', '=', 'verified')
		.where('kind', 'in', [...PROVIDER_KINDS])
		.execute()
	const byId = new Map(orgs.map((o) => [o.id, o]))
	return figures
		.filter((f) => byId.has(f.orgId))
		.slice(0, 200)
		.map((f) => ({ ...f, name: byId.get(f.orgId)?.name ?? '', kind: byId.get(f.orgId)?.kind as OrgKind }))
}
