// The API's organization directory: verified orgs only (as listOrganizations in
// organization.server.ts), their public fields, newest first, one cursor page at a time.
import type { Kysely } from 'kysely'
import type { DB, OrgKind } from '#db/schema.ts'
import { regionPrefix } from '../region-code.ts'
import { fullNames } from '../region.server.ts'

export type OrgPageFilters = {
	kind?: OrgKind
	/** Any level: orgs whose region lies inside it. */
	regionCode?: string
	/** Part of the name. */
	q?: string
	/** Ids below this one (the previous page's last). */
	beforeId?: string
	limit: number
}

/** One page (limit + 1 rows, to tell whether another follows) of verified orgs, newest first, with the region's full name. */
export async function listPublicOrgsPage(db: Kysely<DB>, filters: OrgPageFilters) {
	let q = db.selectFrom('organization').select(['id', 'kind', 'subtype', 'name', 'status', 'regionCode', 'villageCode']).where('status', '=', 'verified')
	if (filters.kind) q = q.where('kind', '=', filters.kind)
	if (filters.regionCode) q = q.where('regionCode', 'like', `${regionPrefix(filters.regionCode)}%`)
	if (filters.q) q = q.where('name', 'like', `%${filters.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`)
	if (filters.beforeId) q = q.where('id', '<', filters.beforeId)
	const rows = await q
		.orderBy('id', 'desc')
		.limit(filters.limit + 1)
		.execute()
	const names = await fullNames(db, [...new Set(rows.flatMap((r) => (r.regionCode ? [r.regionCode] : [])))])
	return rows.map((r) => ({
		...r,
		regionName: r.regionCode ? names.get(r.regionCode) ?? r.regionCode : null,
	}))
}
