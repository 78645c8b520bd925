// Organizations: the public directory (verified orgs, public fields only: no USCC, contacts or
// review notes) and one org. A pending or rejected org is seen only by its members and the
// officials who may review it, as on its page (getOrganization); to anyone else it does not exist.
import { z } from 'zod'
import { getOrganization } from '#app/models/organization.server.ts'
import { ORG_KINDS } from '#app/models/organization.schema.ts'
import { listPublicOrgsPage } from '#app/models/api/org-list.server.ts'
import { fullNames } from '#app/models/region.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { PageQuery, decodeCursor, endpoint, pageOf, pageSchema } from '../http.server.ts'
import { IdSchema, RegionCodeQuery } from './query-params.server.ts'

export const OrgSchema = z
	.object({
		id: z.string(),
		kind: z.enum(ORG_KINDS).describe('central_unit 中央定点帮扶单位, east_west_partner 东西部协作, mass_org 群团组织, enterprise 企业, social_org 社会组织, village 村, government 党委政府'),
		subtype: z.string().nullable().describe('For mass orgs: trade_union, youth_league, womens_federation, science_association, disabled_federation'),
		name: z.string(),
		status: z.enum(['pending', 'verified', 'rejected', 'suspended']).describe('Lists show verified orgs only; others are seen by their members and reviewing officials'),
		regionCode: z.string().nullable().describe("The org's region (12-digit code); null for most central units"),
		regionName: z.string().nullable().describe('Full name of the region, province first'),
		villageCode: z.string().nullable().describe('Village orgs: the administrative village'),
	})
	.meta({ id: 'Organization' })
export type OrgJson = z.output<typeof OrgSchema>

type OrgRow = {
	id: string
	kind: OrgJson['kind']
	subtype: string | null
	name: string
	status: OrgJson['status']
	regionCode: string | null
	villageCode: string | null
	regionName: string | null
}

/** Public fields only, whatever else the row holds. */
export function orgJson(org: OrgRow): OrgJson {
	return {
		id: org.id,
		kind: org.kind,
		subtype: org.subtype,
		name: org.name,
		status: org.status,
		regionCode: org.regionCode,
		regionName: org.regionName,
		villageCode: org.villageCode,
	}
}

const OrgListQuery = z
	.object({
		kind: z.enum(ORG_KINDS).optional().describe('Only orgs of this kind.'),
		region: RegionCodeQuery,
		q: z.string().trim().min(1).max(50).optional().describe('Part of the name.'),
		...PageQuery,
	})
	.strict()

export const orgsEndpoints = [
	endpoint({
		operationId: 'listOrgs',
		method: 'get',
		path: '/orgs',
		summary: 'Verified organizations, newest first',
		description: 'The public directory: verified organizations and their public fields. Filter by kind, by region (any level; orgs whose region lies inside it) and by part of the name.',
		tags: ['orgs'],
		access: 'read',
		query: OrgListQuery,
		response: pageSchema(OrgSchema),
		handler: async ({ db, query }) => {
			const rows = await listPublicOrgsPage(db, {
				kind: query.kind,
				regionCode: query.region,
				q: query.q,
				beforeId: decodeCursor(query.cursor),
				limit: query.limit,
			})
			const page = pageOf(rows, query.limit)
			return {
				body: { items: page.items.map(orgJson), nextCursor: page.nextCursor },
			}
		},
	}),
	endpoint({
		operationId: 'getOrg',
		method: 'get',
		path: '/orgs/{orgId}',
		summary: 'One organization',
		description: 'Verified and suspended orgs are public; a pending or rejected one answers 404 except to its members and the officials who may review it.',
		tags: ['orgs'],
		access: 'read',
		params: z.object({ orgId: IdSchema }),
		response: OrgSchema,
		handler: async ({ db, actor, params }) => {
			const org = await getOrganization(db, params.orgId, actor)
			if (!org) throw AppError.notFound('errors.org_not_found')
			const names = org.regionCode ? await fullNames(db, [org.regionCode]) : new Map<string, string>()
			return {
				body: orgJson({
					...org,
					regionName: org.regionCode ? names.get(org.regionCode) ?? org.regionCode : null,
				}),
			}
		},
	}),
]
