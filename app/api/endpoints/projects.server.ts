// CSR projects (万企兴万村) of enterprises: public records, like their pages. The browse page's
// filters (type, status, region) plus the enterprise; full-text search is not offered here.
import { z } from 'zod'
import { PROJECT_STATUSES, PROJECT_TYPES } from '#app/models/marketplace-vocab.ts'
import { getProject } from '#app/models/project.server.ts'
import { listProjectsPage } from '#app/models/api/project-list.server.ts'
import { anyInKeyCounty } from '#app/models/api/need-list.server.ts'
import { getRegion } from '#app/models/region.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { PageQuery, decodeCursor, endpoint, pageOf, pageSchema } from '../http.server.ts'
import { IdQuery, IdSchema, Millis, RegionCodeQuery, many } from './query-params.server.ts'

const Village = z.object({
	code: z.string(),
	name: z.string().describe('Full name, province first'),
})

export const ProjectSummarySchema = z
	.object({
		id: z.string(),
		title: z.string(),
		orgId: z.string().describe('The enterprise'),
		orgName: z.string(),
		type: z.enum(PROJECT_TYPES).describe('industry 产业项目 or public_welfare 公益项目'),
		status: z.enum(PROJECT_STATUSES),
		plannedInvestment: z.number().int().describe('fen'),
		permanentJobs: z.number().int(),
		temporaryJobs: z.number().int(),
		peopleTrained: z.number().int(),
		startsOn: Millis,
		endsOn: Millis,
		villages: z.array(Village),
		isKeyCounty: z.boolean().describe('One of its villages lies in a national key county'),
	})
	.meta({ id: 'ProjectSummary' })

export const ProjectSchema = ProjectSummarySchema.extend({
	description: z.string(),
	verifiedInvestment: z.number().int().nullable().describe('fen an official confirmed as invested (only this counts toward indicators); null until verified'),
	verifiedAt: Millis.nullable(),
	createdAt: Millis,
	updatedAt: Millis,
	updates: z
		.array(
			z.object({
				id: z.string(),
				body: z.string(),
				happenedOn: Millis,
				createdAt: Millis,
			})
		)
		.describe('Progress updates, newest first'),
}).meta({ id: 'Project' })
export type ProjectJson = z.output<typeof ProjectSchema>

type ProjectDetail = NonNullable<Awaited<ReturnType<typeof getProject>>>

export function projectJson(p: ProjectDetail, isKeyCounty: boolean): ProjectJson {
	return {
		id: p.id,
		title: p.title,
		orgId: p.enterpriseOrgId,
		orgName: p.enterpriseName,
		type: p.type,
		status: p.status,
		plannedInvestment: Number(p.plannedInvestment),
		permanentJobs: Number(p.permanentJobs),
		temporaryJobs: Number(p.temporaryJobs),
		peopleTrained: Number(p.peopleTrained),
		startsOn: Number(p.startsOn),
		endsOn: Number(p.endsOn),
		villages: p.villages,
		isKeyCounty,
		description: p.description,
		verifiedInvestment: p.verifiedInvestment === null ? null : Number(p.verifiedInvestment),
		verifiedAt: p.verifiedAt,
		createdAt: p.createdAt,
		updatedAt: p.updatedAt,
		updates: p.updates.map((u) => ({
			id: u.id,
			body: u.body,
			happenedOn: Number(u.happenedOn),
			createdAt: u.createdAt,
		})),
	}
}

const ProjectListQuery = z
	.object({
		type: many(PROJECT_TYPES, 'Project type.'),
		status: many(PROJECT_STATUSES, 'Status.'),
		region: RegionCodeQuery.describe('A region code at any level: projects with a village inside it.'),
		org: IdQuery.describe("Only this enterprise's projects."),
		...PageQuery,
	})
	.strict()

export const projectsEndpoints = [
	endpoint({
		operationId: 'listProjects',
		method: 'get',
		path: '/projects',
		summary: 'CSR projects, newest first',
		description: "The browse page's filters (type, status, region) plus the enterprise. Full-text search is not offered by the API.",
		tags: ['projects'],
		access: 'read',
		query: ProjectListQuery,
		response: pageSchema(ProjectSummarySchema),
		handler: async ({ db, query }) => {
			const beforeId = decodeCursor(query.cursor)
			if (query.region && !(await getRegion(db, query.region))) throw AppError.invalid({ 'query.region': 'errors.region_not_found' })
			const rows = await listProjectsPage(db, {
				types: query.type,
				statuses: query.status,
				regionCode: query.region,
				enterpriseOrgId: query.org,
				beforeId,
				limit: query.limit,
			})
			const page = pageOf(rows, query.limit)
			return {
				body: {
					items: page.items.map(({ id, title, orgId, orgName, type, status, plannedInvestment, permanentJobs, temporaryJobs, peopleTrained, startsOn, endsOn, villages, isKeyCounty }) => ({
						id,
						title,
						orgId,
						orgName,
						type,
						status,
						plannedInvestment,
						permanentJobs,
						temporaryJobs,
						peopleTrained,
						startsOn,
						endsOn,
						villages,
						isKeyCounty,
					})),
					nextCursor: page.nextCursor,
				},
			}
		},
	}),
	endpoint({
		operationId: 'getProject',
		method: 'get',
		path: '/projects/{projectId}',
		summary: 'One project, with its villages and progress updates',
		tags: ['projects'],
		access: 'read',
		params: z.object({ projectId: IdSchema }),
		response: ProjectSchema,
		handler: async ({ db, actor, params }) => {
			const project = await getProject(db, params.projectId, actor)
			if (!project) throw AppError.notFound()
			return {
				body: projectJson(
					project,
					await anyInKeyCounty(
						db,
						project.villages.map((v) => v.code)
					)
				),
			}
		},
	}),
]
