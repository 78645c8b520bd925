// The API's project list: every project is public (as getProject); the browse page's filters as
// one cursor-paged query of ids (newest first), the cards read by listProjectsByIds.
import type { Kysely } from 'kysely'
import type { DB, ProjectStatus, ProjectType } from '#db/schema.ts'
import { listProjectsByIds } from '../browse.server.ts'
import { regionPrefix } from '../region-code.ts'

export type ProjectPageFilters = {
	types?: ProjectType[]
	statuses?: ProjectStatus[]
	/** Any level: projects with a village inside it. */
	regionCode?: string
	enterpriseOrgId?: string
	beforeId?: string
	limit: number
}

/** One page (limit + 1 rows) of projects, newest first, as list cards (browse.server.ts). */
export async function listProjectsPage(db: Kysely<DB>, filters: ProjectPageFilters) {
	let q = db.selectFrom('project').select('project.id')
	if (filters.types?.length) q = q.where('project.type', 'in', filters.types)
	if (filters.statuses?.length) q = q.where('project.status', 'in', filters.statuses)
	if (filters.enterpriseOrgId) q = q.where('project.enterpriseOrgId', '=', filters.enterpriseOrgId)
	if (filters.regionCode) {
		const like = `${regionPrefix(filters.regionCode)}%`
		q = q.where((eb) =>
			eb.exists(eb.selectFrom('projectVillage').select('projectVillage.projectId').whereRef('projectVillage.projectId', '=', 'project.id').where('projectVillage.villageCode', 'like', like))
		)
	}
	if (filters.beforeId) q = q.where('project.id', '<', filters.beforeId)
	const ids = (
		await q
			.orderBy('project.id', 'desc')
			.limit(filters.limit + 1)
			.execute()
	).map((r) => r.id)
	return listProjectsByIds(db, ids)
}
