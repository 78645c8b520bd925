// What officials supervise, appraise, report on, interview and hold accountable: a region (any
// level, including everything below it) or a provider organization. One place decides who may act
// on which subject, so indicators, appraisals, reports, interviews and accountability agree:
//
// | subject                          | who may act on it                                              |
// |----------------------------------|----------------------------------------------------------------|
// | a region                         | an official whose jurisdiction covers it; a national admin     |
// | an org with a region             | an official whose jurisdiction covers the org's region         |
// | an org without a region (most    | a national admin only (as for reviewing central units)         |
// | central units)                   |                                                                |
//
// Villages and government orgs are regions' business, not providers: an org subject is a provider
// (PROVIDER_KINDS). The acting org of an official's write is the government org whose jurisdiction
// covers the subject (the nearest one), or for a national admin the first government org they
// belong to, else '' (recorded as such).
import type { Kysely } from 'kysely'
import type { DB, OrgKind, SubjectType } from '#db/schema.ts'
import { AppError } from '#app/utils/errors.ts'
import { type Actor, jurisdictionsOf } from './policy.server.ts'
import { covers, isRegionCode, levelOfCode } from './region-code.ts'

export const SUBJECT_TYPES: readonly SubjectType[] = ['region', 'org']
export const PROVIDER_SUBJECT_KINDS: readonly OrgKind[] = ['central_unit', 'east_west_partner', 'mass_org', 'enterprise', 'social_org']

export type Subject = {
	type: SubjectType
	/** Region code or org id. */
	id: string
	/** Full region name, or the org's name. */
	name: string
	/** The region itself, or the org's region; '' for an org without one. */
	regionCode: string
	/** Org subjects only. */
	orgKind?: OrgKind
}

/** Loads a subject; not_found for an unknown region or org, or an org that is not a provider. */
export async function loadSubject(db: Kysely<DB>, type: string, id: string): Promise<Subject> {
	if (type === 'region') {
		if (!isRegionCode(id)) throw AppError.notFound('errors.region_not_found')
		const row = await db.selectFrom('region').select(['code', 'name', 'level']).where('code', '=', id).orderBy('level').executeTakeFirst()
		if (!row) throw AppError.notFound('errors.region_not_found')
		return { type: 'region', id: row.code, name: row.name, regionCode: row.code }
	}
	if (type === 'org') {
		const row = await db.selectFrom('organization').select(['id', 'name', 'kind', 'regionCode']).where('id', '=', id).executeTakeFirst()
		if (!row || !PROVIDER_SUBJECT_KINDS.includes(row.kind)) throw AppError.notFound('errors.org_not_found')
		return { type: 'org', id: row.id, name: row.name, regionCode: row.regionCode ?? '', orgKind: row.kind }
	}
	throw AppError.notFound()
}

/** The actor may supervise the subject (in-memory; model queries filter with `inJurisdiction` too). */
export function supervises(actor: Actor, subject: Pick<Subject, 'regionCode'>): boolean {
	if (actor.isNationalAdmin) return true
	if (!subject.regionCode) return false
	return jurisdictionsOf(actor).some((j) => covers(j, subject.regionCode))
}

/** Throws forbidden unless the actor supervises the subject. */
export function requireSupervision(actor: Actor, subject: Pick<Subject, 'regionCode'>): void {
	if (!supervises(actor, subject)) throw AppError.forbidden('errors.outside_jurisdiction')
}

/**
 * The government org an official acts for on this subject: of the actor's verified government
 * orgs whose region covers the subject's region, the nearest (deepest level). A national admin
 * without such an org acts as '' (the national level).
 */
export function actingGovernmentOrg(actor: Actor, subject: Pick<Subject, 'regionCode'>): string {
	const orgs = actor.memberships
		.filter((m) => m.kind === 'government' && m.status === 'verified' && m.regionCode && subject.regionCode && covers(m.regionCode, subject.regionCode))
		.sort((a, b) => (levelOfCode(b.regionCode as string) ?? 0) - (levelOfCode(a.regionCode as string) ?? 0))
	if (orgs.length) return orgs[0].orgId
	if (actor.isNationalAdmin) return actor.memberships.find((m) => m.kind === 'government' && m.status === 'verified')?.orgId ?? ''
	throw AppError.forbidden('errors.outside_jurisdiction')
}

/** A subject's href in the app. */
export function subjectHref(subject: Pick<Subject, 'type' | 'id'>): string {
	return subject.type === 'region' ? `/regions/${subject.id}` : `/orgs/${subject.id}`
}
