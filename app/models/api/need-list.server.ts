// The API's need list: the browse page's filters as one cursor-paged query (newest first), limited
// to what the viewer may see by the same visibleScope as getNeed (public statuses for everyone,
// the rest for the village's members and the officials covering it).
import type { Kysely } from 'kysely'
import type { DB, NeedCategory, NeedStatus, Urgency } from '#db/schema.ts'
import { committedByNeed } from '../commitment/sum-commitment.server.ts'
import { visibleScope } from '../need/authorize-need.server.ts'
import type { Actor } from '../policy.server.ts'
import { levelOfCode, regionPrefix } from '../region-code.ts'
import { fullNames, isInKeyCounty, keyCountiesAmong, listKeyCounties } from '../region.server.ts'

export type NeedPageFilters = {
	categories?: NeedCategory[]
	statuses?: NeedStatus[]
	urgencies?: Urgency[]
	/** Any level: needs of villages inside it. */
	regionCode?: string
	/** Only villages in a national key county. */
	keyCounty?: boolean
	/** Only needs of villages inside any of these regions ("in my pairings"); [] matches nothing. */
	regionCodesAny?: string[]
	villageOrgId?: string
	beforeId?: string
	limit: number
}

/**
 * One page (limit + 1 rows) of the needs the viewer may see, newest first, as list cards: the
 * village's full name and org, the target, the accepted-or-later total and the gap left, and the
 * key-county flag.
 */
export async function listNeedsPage(db: Kysely<DB>, filters: NeedPageFilters, viewer: Actor | null) {
	if (filters.regionCodesAny && !filters.regionCodesAny.length) return []
	let q = db
		.selectFrom('need')
		.innerJoin('organization as org', 'org.id', 'need.villageOrgId')
		.select([
			'need.id',
			'need.title',
			'need.category',
			'need.measure',
			'need.unit',
			'need.target',
			'need.beneficiaries',
			'need.urgency',
			'need.neededBy',
			'need.status',
			'need.villageOrgId',
			'org.name as villageOrgName',
			'need.villageCode',
			'need.submittedAt',
			'need.publishedAt',
			'need.closedAt',
			'need.createdAt',
			'need.updatedAt',
		])
		.where(visibleScope(viewer))
	if (filters.categories?.length) q = q.where('need.category', 'in', filters.categories)
	if (filters.statuses?.length) q = q.where('need.status', 'in', filters.statuses)
	if (filters.urgencies?.length) q = q.where('need.urgency', 'in', filters.urgencies)
	if (filters.villageOrgId) q = q.where('need.villageOrgId', '=', filters.villageOrgId)
	if (filters.regionCode) q = q.where('need.villageCode', 'like', `${regionPrefix(filters.regionCode)}%`)
	if (filters.regionCodesAny) {
		const prefixes = filters.regionCodesAny.map(regionPrefix)
		q = q.where((eb) => eb.or(prefixes.map((p) => eb('need.villageCode', 'like', `${p}%`))))
	}
	if (filters.keyCounty) {
		// 160 counties at most: their prefixes, rather than a join on the (large) region table.
		const counties = (await listKeyCounties(db, filters.regionCode)).filter((r) => levelOfCode(r.code) === 3 && r.level === 3)
		if (!counties.length) return []
		q = q.where((eb) => eb.or(counties.map((c) => eb('need.villageCode', 'like', `${regionPrefix(c.code)}%`))))
	}
	if (filters.beforeId) q = q.where('need.id', '<', filters.beforeId)
	const rows = await q
		.orderBy('need.id', 'desc')
		.limit(filters.limit + 1)
		.execute()
	const codes = [...new Set(rows.map((r) => r.villageCode))]
	const [names, keys, committed] = await Promise.all([
		fullNames(db, codes),
		keyCountiesAmong(db, codes),
		committedByNeed(
			db,
			rows.map((r) => r.id)
		),
	])
	return rows.map((r) => {
		const target = Number(r.target)
		const done = committed.get(r.id) ?? 0
		return {
			...r,
			target,
			beneficiaries: Number(r.beneficiaries),
			neededBy: Number(r.neededBy),
			committed: done,
			remaining: Math.max(target - done, 0),
			villageName: names.get(r.villageCode) ?? r.villageCode,
			isKeyCounty: isInKeyCounty(r.villageCode, keys),
		}
	})
}

/** Whether any of these regions lies in a national key county (a need's or a project's flag). */
export async function anyInKeyCounty(db: Kysely<DB>, codes: string[]): Promise<boolean> {
	const keys = await keyCountiesAmong(db, codes)
	return codes.some((code) => isInKeyCounty(code, keys))
}
