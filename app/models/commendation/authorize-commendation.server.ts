// Who may do what in a commendation campaign (表彰), as SQL conditions for the where of the query
// that does it, their in-memory twins (to show or hide forms only), and the campaign row lock.
//
// | action                                         | who                                                    |
// |------------------------------------------------|--------------------------------------------------------|
// | create a campaign                              | an official at the campaign's level: a province org →  |
// |                                                | provincial, city → city, county → county; national     |
// |                                                | campaigns only national admins                         |
// | open, close nominations, review, reject, start | officials of the organizing jurisdiction (a verified    |
// | the notice, resolve objections, decide, cancel | government org whose region is the campaign's region); |
// |                                                | national admins (for every campaign)                   |
// | nominate (by an official)                      | an official whose jurisdiction lies within the          |
// |                                                | campaign's region (any official for national ones)     |
// | nominate (self-nomination)                     | owner/admin of a verified provider org, for that org    |
// | object during the notice                       | any signed-in account                                   |
// | see a campaign                                 | anyone once it left draft; a draft only its managers    |
import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { CampaignLevel, DB } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { lockForUpdate } from '../commitment/lock-commitment.server.ts'
import { type Actor, jurisdictionsOf } from '../policy.server.ts'
import { ancestorCodes, covers, levelOfCode } from '../region-code.ts'
import { PROVIDER_SUBJECT_KINDS } from '../subject.server.ts'

export const PROVIDER_KINDS = PROVIDER_SUBJECT_KINDS
export const NOMINATING_ROLES = ['owner', 'admin'] as const

const TRUE = sql<SqlBool>`1 = 1`
const FALSE = sql<SqlBool>`1 = 0`

/** The campaign level an official of a region at this level organizes (township: none). */
export const LEVEL_OF_REGION_LEVEL: Record<number, CampaignLevel | undefined> = { 1: 'provincial', 2: 'city', 3: 'county' }

/** The campaign (`campaign.regionCode`) is run by the actor's jurisdiction; national admins run all. */
export function manageScope(actor: Actor, column = 'campaign.regionCode'): RawBuilder<SqlBool> {
	if (actor.isNationalAdmin) return TRUE
	const codes = jurisdictionsOf(actor)
	if (!codes.length) return FALSE
	return sql<SqlBool>`${sql.ref(column)} in (${sql.join(codes)})`
}

/** In-memory twin of `manageScope`. */
export function manages(actor: Actor | null, campaign: { regionCode: string }): boolean {
	if (!actor) return false
	if (actor.isNationalAdmin) return true
	return campaign.regionCode !== '' && jurisdictionsOf(actor).includes(campaign.regionCode)
}

/** The actor is an official whose jurisdiction lies within the campaign's region. */
export function nominatorScope(actor: Actor, column = 'campaign.regionCode'): RawBuilder<SqlBool> {
	if (actor.isNationalAdmin) return TRUE
	const codes = jurisdictionsOf(actor)
	if (!codes.length) return FALSE
	const covering = [...new Set(codes.flatMap((c) => [...ancestorCodes(c), c]))]
	return sql<SqlBool>`(${sql.ref(column)} = '' or ${sql.ref(column)} in (${sql.join(covering)}))`
}

/** In-memory twin of `nominatorScope`. */
export function nominatesAsOfficial(actor: Actor | null, campaign: { regionCode: string }): boolean {
	if (!actor) return false
	if (actor.isNationalAdmin) return true
	const codes = jurisdictionsOf(actor)
	return codes.length > 0 && (campaign.regionCode === '' || codes.some((c) => covers(campaign.regionCode, c)))
}

/** Visible to the actor: out of draft, or managed by them. */
export function visibleScope(actor: Actor | null): RawBuilder<SqlBool> {
	const published = sql<SqlBool>`campaign.status <> 'draft'`
	if (!actor) return published
	return sql<SqlBool>`(${published} or ${manageScope(actor)})`
}

/** The actor's verified government orgs whose region is exactly `regionCode`. */
function governmentOrgsAt(actor: Actor, regionCode: string) {
	return actor.memberships.filter((m) => m.kind === 'government' && m.status === 'verified' && m.regionCode === regionCode)
}

/** The government org the actor acts for in this campaign ('' for a national admin without one). */
export function managingOrgId(actor: Actor, campaign: { regionCode: string }): string {
	const orgs = campaign.regionCode ? governmentOrgsAt(actor, campaign.regionCode) : []
	if (orgs.length) return orgs[0].orgId
	if (actor.isNationalAdmin) return actor.memberships.find((m) => m.kind === 'government' && m.status === 'verified')?.orgId ?? ''
	throw AppError.forbidden('commendation.errors.not_organizer')
}

/** The government org an official nominates for: the nearest one inside the campaign's region. */
export function nominatingOrgId(actor: Actor, campaign: { regionCode: string }): string {
	const orgs = actor.memberships
		.filter((m) => m.kind === 'government' && m.status === 'verified' && m.regionCode && (campaign.regionCode === '' || covers(campaign.regionCode, m.regionCode)))
		.sort((a, b) => (levelOfCode(b.regionCode as string) ?? 0) - (levelOfCode(a.regionCode as string) ?? 0))
	if (orgs.length) return orgs[0].orgId
	if (actor.isNationalAdmin) return actor.memberships.find((m) => m.kind === 'government' && m.status === 'verified')?.orgId ?? ''
	throw AppError.forbidden('commendation.errors.outside_campaign_region')
}

export type OrganizerOption = { orgId: string; name: string; level: CampaignLevel; regionCode: string }

/** What the actor may organize: each verified government org at province, city or county level; national for national admins. */
export function organizerOptions(actor: Actor): OrganizerOption[] {
	const out: OrganizerOption[] = []
	if (actor.isNationalAdmin) {
		const gov = actor.memberships.find((m) => m.kind === 'government' && m.status === 'verified')
		out.push({ orgId: gov?.orgId ?? '', name: gov?.orgName ?? '', level: 'national', regionCode: '' })
	}
	for (const m of actor.memberships) {
		if (m.kind !== 'government' || m.status !== 'verified' || !m.regionCode) continue
		const level = LEVEL_OF_REGION_LEVEL[levelOfCode(m.regionCode) ?? 0]
		if (level) out.push({ orgId: m.orgId, name: m.orgName, level, regionCode: m.regionCode })
	}
	return out
}

export const CAMPAIGN_COLUMNS = [
	'id',
	'title',
	'year',
	'level',
	'regionCode',
	'organizerOrgId',
	'periodStart',
	'periodEnd',
	'minVerifiedAmount',
	'minVerifiedCount',
	'nominationEndsAt',
	'status',
	'noticeStartsAt',
	'noticeEndsAt',
] as const

export type CampaignHead = {
	id: string
	title: string
	year: number
	level: CampaignLevel
	regionCode: string
	organizerOrgId: string
	periodStart: number
	periodEnd: number
	minVerifiedAmount: number
	minVerifiedCount: number
	nominationEndsAt: number
	status: DB['campaign']['status']
	noticeStartsAt: number | null
	noticeEndsAt: number | null
}

const num = (v: number | null) => (v === null ? null : Number(v))

/**
 * Reads and locks (MySQL) the campaign row: the first statement of every transaction that changes
 * a campaign or its nominations, so two officials never decide on the same state.
 */
export async function lockCampaign(trx: Kysely<DB>, id: string): Promise<CampaignHead> {
	const row = await lockForUpdate(trx.selectFrom('campaign').select([...CAMPAIGN_COLUMNS]).where('id', '=', id), trx).executeTakeFirst()
	if (!row) throw AppError.notFound('commendation.errors.campaign_not_found')
	return {
		...row,
		year: Number(row.year),
		periodStart: Number(row.periodStart),
		periodEnd: Number(row.periodEnd),
		minVerifiedAmount: Number(row.minVerifiedAmount),
		minVerifiedCount: Number(row.minVerifiedCount),
		nominationEndsAt: Number(row.nominationEndsAt),
		noticeStartsAt: num(row.noticeStartsAt),
		noticeEndsAt: num(row.noticeEndsAt),
	}
}

/**
 * Throws unless the actor manages the campaign, asking the database (the where holds the rule):
 * not_found for a draft the actor may not see, forbidden otherwise.
 */
export async function assertManages(trx: Kysely<DB>, campaign: CampaignHead, actor: Actor): Promise<void> {
	const row = await trx.selectFrom('campaign').select('id').where('id', '=', campaign.id).where(manageScope(actor)).executeTakeFirst()
	if (row) return
	if (campaign.status === 'draft') throw AppError.notFound('commendation.errors.campaign_not_found')
	throw AppError.forbidden('commendation.errors.not_organizer')
}
