// The public side of commendation: the honor roll (decided awards only), certificates and the
// contribution leaderboard (verified providers, built on verifiedContribution).
import { type Kysely, sql } from 'kysely'
import type { AwardCategory, CampaignLevel, DB, OrgKind } from '#db/schema.ts'
import { chinaPeriod } from '#app/utils/china-date.ts'
import { AWARD_CATEGORIES, CAMPAIGN_LEVELS } from '../commendation.schema.ts'
import { verifiedContribution } from '../contribution.server.ts'
import { isRegionCode } from '../region-code.ts'
import { fullNames } from '../region.server.ts'
import { PROVIDER_KINDS } from './authorize-commendation.server.ts'

async function regionNames(db: Kysely<DB>, codes: string[]) {
	return fullNames(db, [...new Set(codes.filter((c) => isRegionCode(c)))])
}

export type HonorFilters = { year?: number; level?: CampaignLevel; category?: AwardCategory }

/** Awards per page of the honor roll. */
export const HONORS_PAGE_SIZE = 50

function decidedAwards(db: Kysely<DB>, filters: HonorFilters) {
	let q = db.selectFrom('award').innerJoin('campaign', 'campaign.id', 'award.campaignId').where('campaign.status', '=', 'decided')
	if (filters.year) q = q.where('campaign.year', '=', filters.year)
	if (filters.level) q = q.where('campaign.level', '=', filters.level)
	if (filters.category) q = q.where('award.category', '=', filters.category)
	return q
}

/** `CASE column WHEN v0 THEN 0 … END`: the order of a fixed vocabulary, for ORDER BY. */
function rankOf(column: string, values: readonly string[]) {
	return sql<number>`case ${sql.ref(column)} ${sql.join(
		values.map((v, i) => sql`when ${v} then ${i}`),
		sql` `,
	)} else ${values.length} end`
}

/**
 * One page of the public honor roll: decided awards, newest year first, then national before
 * lower levels, then award category and certificate number (a stable order across pages).
 */
export async function listHonors(db: Kysely<DB>, filters: HonorFilters = {}, page = 1, pageSize = HONORS_PAGE_SIZE) {
	const rows = await decidedAwards(db, filters)
		.innerJoin('organization', 'organization.id', 'award.orgId')
		.select([
			'award.id',
			'award.category',
			'award.personName',
			'award.certificateNo',
			'award.awardedAt',
			'award.orgId',
			'organization.name as orgName',
			'organization.kind as orgKind',
			'campaign.id as campaignId',
			'campaign.title as campaignTitle',
			'campaign.year',
			'campaign.level',
			'campaign.regionCode',
		])
		.orderBy('campaign.year', 'desc')
		.orderBy(rankOf('campaign.level', CAMPAIGN_LEVELS))
		.orderBy(rankOf('award.category', AWARD_CATEGORIES))
		.orderBy('award.certificateNo')
		.limit(pageSize)
		.offset((Math.max(1, page) - 1) * pageSize)
		.execute()
	const names = await regionNames(
		db,
		rows.map((r) => r.regionCode),
	)
	return rows.map((r) => ({ ...r, year: Number(r.year), awardedAt: Number(r.awardedAt), regionName: names.get(r.regionCode) ?? '' }))
}

/** How many awards the honor roll lists for `filters` (all pages). */
export async function countHonors(db: Kysely<DB>, filters: HonorFilters = {}): Promise<number> {
	const row = await decidedAwards(db, filters)
		.select((eb) => eb.fn.countAll<number | string>().as('n'))
		.executeTakeFirstOrThrow()
	return Number(row.n)
}

/** Years that have awards, newest first (the honor roll's year filter). */
export async function honorYears(db: Kysely<DB>): Promise<number[]> {
	const rows = await db
		.selectFrom('award')
		.innerJoin('campaign', 'campaign.id', 'award.campaignId')
		.select('campaign.year')
		.distinct()
		.where('campaign.status', '=', 'decided')
		.orderBy('campaign.year', 'desc')
		.execute()
	return rows.map((r) => Number(r.year))
}

/** One certificate (public), or undefined. */
export async function getCertificate(db: Kysely<DB>, awardId: string) {
	const row = await db
		.selectFrom('award')
		.innerJoin('campaign', 'campaign.id', 'award.campaignId')
		.innerJoin('nomination', 'nomination.id', 'award.nominationId')
		.innerJoin('organization as nominee', 'nominee.id', 'award.orgId')
		.leftJoin('organization as organizer', 'organizer.id', 'campaign.organizerOrgId')
		.select([
			'award.id',
			'award.category',
			'award.personName',
			'award.certificateNo',
			'award.awardedAt',
			'nominee.name as orgName',
			'nomination.citation',
			'campaign.id as campaignId',
			'campaign.title as campaignTitle',
			'campaign.year',
			'campaign.level',
			'campaign.regionCode',
			'organizer.name as organizerName',
		])
		.where('award.id', '=', awardId)
		.where('campaign.status', '=', 'decided')
		.executeTakeFirst()
	if (!row) return undefined
	const names = await regionNames(db, [row.regionCode])
	return { ...row, year: Number(row.year), awardedAt: Number(row.awardedAt), organizerName: row.organizerName ?? '', regionName: names.get(row.regionCode) ?? '' }
}

export const LEADERBOARD_SIZE = 50

export type LeaderboardQuery = { year: number; kind?: OrgKind; regionCode?: string; sort?: 'amount' | 'count' }

/**
 * The public contribution leaderboard: verified provider orgs ranked by what an official verified
 * in the China year (to villages within the region, nationwide by default), top 50.
 */
export async function contributionLeaderboard(db: Kysely<DB>, query: LeaderboardQuery) {
	const { start, end } = chinaPeriod(query.year)
	const figures = await verifiedContribution(db, { regionCode: query.regionCode || undefined, start, end })
	if (!figures.length) return []
	const kinds = query.kind ? [query.kind] : [...PROVIDER_KINDS]
	const orgs = new Map<string, { id: string; name: string; kind: OrgKind; regionCode: string | null }>()
	// Chunked: a nationwide year may name thousands of providers.
	for (let i = 0; i < figures.length; i += 500) {
		const chunk = figures.slice(i, i + 500).map((f) => f.orgId)
		const rows = await db.selectFrom('organization').select(['id', 'name', 'kind', 'regionCode']).where('id', 'in', chunk).where('status', '=', 'verified').where('kind', 'in', kinds).execute()
		for (const r of rows) orgs.set(r.id, r)
	}
	const ranked = figures
		.filter((f) => orgs.has(f.orgId))
		.sort((a, b) => (query.sort === 'count' ? b.count - a.count || b.amountFen - a.amountFen : b.amountFen - a.amountFen || b.count - a.count))
		.slice(0, LEADERBOARD_SIZE)
	return ranked.map((f, i) => {
		const org = orgs.get(f.orgId) as { id: string; name: string; kind: OrgKind }
		return { rank: i + 1, orgId: f.orgId, name: org.name, kind: org.kind, amountFen: f.amountFen, count: f.count }
	})
}
