// Figures and small summaries for the public pages: the home page's counts, the signed-in
// user's role panel, and the organizations shown on a region page.
import type { Kysely } from 'kysely'
import type { DB, OrgKind, OrgStatus, PairingKind } from '#db/schema.ts'
import { countReviewQueue } from './organization.server.ts'
import { type Actor, inJurisdiction, isOfficial, jurisdictionsOf } from './policy.server.ts'
import { fullNames, withinRegion } from './region.server.ts'
import { codeAtLevel, isRegionCode, levelOfCode } from './region-code.ts'

export const ORG_KINDS: OrgKind[] = ['central_unit', 'east_west_partner', 'mass_org', 'enterprise', 'social_org', 'village', 'government']
export const PAIRING_KIND_LIST: PairingKind[] = ['targeted', 'east_west', 'twinning']

/** Verified orgs by kind, every kind present (0 when none); optionally within a region. */
export async function countVerifiedOrgsByKind(db: Kysely<DB>, within?: string): Promise<Record<OrgKind, number>> {
	let q = db
		.selectFrom('organization')
		.select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
		.where('status', '=', 'verified')
	if (within && isRegionCode(within)) q = q.where(withinRegion('regionCode', within))
	const rows = await q.groupBy('kind').execute()
	const out = Object.fromEntries(ORG_KINDS.map((k) => [k, 0])) as Record<OrgKind, number>
	for (const r of rows) out[r.kind] = Number(r.n)
	return out
}

/** Active pairings by kind, every kind present. */
export async function countActivePairingsByKind(db: Kysely<DB>): Promise<Record<PairingKind, number>> {
	const rows = await db
		.selectFrom('pairing')
		.select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
		.where('status', '=', 'active')
		.groupBy('kind')
		.execute()
	const out = Object.fromEntries(PAIRING_KIND_LIST.map((k) => [k, 0])) as Record<PairingKind, number>
	for (const r of rows) out[r.kind] = Number(r.n)
	return out
}

export async function countKeyCounties(db: Kysely<DB>): Promise<number> {
	// Key counties are level-3 rows; a same-code repeat below (金门县-style) is never flagged.
	const row = await db
		.selectFrom('region')
		.select((eb) => eb.fn.count<number>('code').distinct().as('n'))
		.where('isKeyCounty', '=', 1)
		.executeTakeFirstOrThrow()
	return Number(row.n)
}

/**
 * The org of a village (one per village). Verified and suspended ones are public; a pending or
 * rejected one is shown only to its members and to officials whose jurisdiction covers it.
 */
export async function getVillageOrg(db: Kysely<DB>, villageCode: string, viewer: Actor | null) {
	if (!isRegionCode(villageCode)) return undefined
	return db
		.selectFrom('organization')
		.select(['id', 'name', 'status', 'kind', 'regionCode'])
		.where('villageCode', '=', villageCode)
		.where((eb) => {
			const publicOrg = eb('status', 'in', ['verified', 'suspended'])
			if (!viewer) return publicOrg
			const own = viewer.memberships.map((m) => m.orgId)
			return eb.or([publicOrg, eb('id', 'in', own.length ? own : ['']), inJurisdiction('organization.regionCode', viewer)])
		})
		.executeTakeFirst()
}

/** Which villages below a region have a verified village org (for marking them in lists). */
export async function listVillagesWithOrg(db: Kysely<DB>, within: string): Promise<Set<string>> {
	if (!isRegionCode(within)) return new Set()
	const rows = await db
		.selectFrom('organization')
		.select('villageCode')
		.where('kind', '=', 'village')
		.where('status', '=', 'verified')
		.where(withinRegion('villageCode', within))
		.execute()
	return new Set(rows.map((r) => r.villageCode).filter((c): c is string => !!c))
}

/**
 * Who decides on a pending org, mirroring the review scope in organization.server.ts: officials
 * of the org's region or above (a village org: its township upwards); a government org only
 * from the level above; central units and orgs without a region only a national admin.
 * Returns the nearest region whose officials may decide, or null for a national admin.
 */
export function reviewerRegionCode(org: { kind: OrgKind; regionCode: string | null }): string | null {
	if (org.kind === 'central_unit' || !org.regionCode) return null
	const level = levelOfCode(org.regionCode)
	if (!level) return null
	if (org.kind === 'government') return level === 1 ? null : codeAtLevel(org.regionCode, (level - 1) as 1 | 2 | 3 | 4)
	return level === 5 ? codeAtLevel(org.regionCode, 4) : org.regionCode
}

export type HomeOrg = {
	id: string
	name: string
	kind: OrgKind
	status: OrgStatus
	role: string
	regionCode: string | null
	/** For a pending org: the region whose officials review it (null: a national admin). */
	reviewer?: { code: string | null; name: string | null }
}

/** What the home page's role panel shows a signed-in user. */
export async function getRolePanel(db: Kysely<DB>, actor: Actor) {
	const reviewerCodes = actor.memberships
		.filter((m) => m.status === 'pending')
		.map((m) => reviewerRegionCode(m))
		.filter((c): c is string => !!c)
	const jurisdictions = jurisdictionsOf(actor)
	const official = isOfficial(actor)
	const [names, reviewCount] = await Promise.all([fullNames(db, [...new Set([...reviewerCodes, ...jurisdictions])]), official ? countReviewQueue(db, actor) : 0])
	const orgs: HomeOrg[] = actor.memberships.map((m) => {
		const org: HomeOrg = { id: m.orgId, name: m.orgName, kind: m.kind, status: m.status, role: m.role, regionCode: m.regionCode }
		if (m.status === 'pending') {
			const code = reviewerRegionCode(m)
			org.reviewer = { code, name: code ? (names.get(code) ?? code) : null }
		}
		return org
	})
	return {
		orgs,
		isOfficial: official,
		isNationalAdmin: actor.isNationalAdmin,
		reviewCount,
		jurisdictions: [...new Set(jurisdictions)].map((code) => ({ code, name: names.get(code) ?? code })),
	}
}
