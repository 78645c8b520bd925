// Village needs: the browse page's filters over what the viewer may see (public statuses for
// everyone; drafts, submitted, returned and rejected needs for the village's members and the
// officials covering it: visibleScope, the rule of the need page), and one need with its progress.
//
// Full-text search (the page's `q`) is not offered here: the search engine pages by number, not by
// cursor, and answers public needs only. API clients filter here and search on the site.
import { z } from 'zod'
import { coveredRegionCodesForActor } from '#app/models/browse.server.ts'
import { NEED_CATEGORIES, NEED_STATUSES, URGENCIES } from '#app/models/marketplace-vocab.ts'
import { type NeedDetail, getNeed } from '#app/models/need.server.ts'
import { listNeedsPage, anyInKeyCounty } from '#app/models/api/need-list.server.ts'
import { getRegion } from '#app/models/region.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { PageQuery, decodeCursor, endpoint, pageOf, pageSchema } from '../http.server.ts'
import { FlagQuery, IdQuery, IdSchema, Millis, RegionCodeQuery, many } from './query-params.server.ts'

const Level = z.enum(['none', 'partial', 'full'])

export const NeedSummarySchema = z
	.object({
		id: z.string(),
		title: z.string(),
		category: z.enum(NEED_CATEGORIES),
		measure: z.enum(['amount', 'quantity']).describe('amount: money in fen; quantity: whole units of `unit`'),
		unit: z.string().nullable().describe('For quantity needs: 人, 吨, 个岗位 …'),
		target: z.number().int().describe('What the village asks for: fen, or units'),
		committed: z.number().int().describe("Accepted-or-later commitments (pledges do not count), in the need's measure"),
		remaining: z.number().int().describe('target − committed, at least 0'),
		beneficiaries: z.number().int(),
		urgency: z.enum(URGENCIES),
		neededBy: Millis.describe('Epoch ms (China midnight of the day)'),
		status: z.enum(NEED_STATUSES),
		villageOrgId: z.string(),
		villageOrgName: z.string(),
		villageCode: z.string(),
		villageName: z.string().describe('Full name, province first'),
		isKeyCounty: z.boolean().describe('The village lies in a national key county (重点帮扶县)'),
		submittedAt: Millis.nullable(),
		publishedAt: Millis.nullable(),
		closedAt: Millis.nullable(),
		createdAt: Millis,
		updatedAt: Millis,
	})
	.meta({ id: 'NeedSummary' })

export const NeedProgressSchema = z
	.object({
		committed: z.number().int().describe('Accepted-or-later commitments'),
		delivered: z.number().int().describe('What the village confirmed as arrived'),
		verified: z.number().int().describe('What an official signed off (only this counts toward indicators)'),
		coverage: Level.describe('committed against the target'),
		delivery: Level.describe('verified against the target'),
		helpers: z
			.array(
				z.object({
					orgId: z.string(),
					name: z.string(),
					amount: z.number().int().describe('Its accepted-or-later total'),
				})
			)
			.describe('Providers with accepted-or-later commitments, largest first'),
	})
	// NOTE: not a named component: openapi.server.ts does not rewrite $refs inside components, so a
	// named schema nested in another named one would leave a dangling #/$defs/ reference.
	.describe('Derived from the commitments, never stored')

export const NeedSchema = NeedSummarySchema.extend({
	description: z.string(),
	statusNote: z.string().nullable().describe('Why it was returned, rejected, cancelled or closed'),
	duplicateOf: z.string().nullable().describe('The need this one duplicates (status duplicate)'),
	reviewedAt: Millis.nullable(),
	photos: z.array(
		z.object({
			id: z.string(),
			contentType: z.string(),
			byteSize: z.number().int(),
			originalName: z.string(),
			createdAt: Millis,
		})
	),
	progress: NeedProgressSchema,
}).meta({ id: 'Need' })
export type NeedJson = z.output<typeof NeedSchema>

/** A need as the API shows it, from getNeed's detail (and its key-county flag). */
export function needJson(need: NeedDetail, isKeyCounty: boolean): NeedJson {
	const target = Number(need.target)
	return {
		id: need.id,
		title: need.title,
		category: need.category,
		measure: need.measure,
		unit: need.unit,
		target,
		committed: need.progress.committed,
		remaining: Math.max(target - need.progress.committed, 0),
		beneficiaries: Number(need.beneficiaries),
		urgency: need.urgency,
		neededBy: Number(need.neededBy),
		status: need.status,
		villageOrgId: need.villageOrgId,
		villageOrgName: need.orgName,
		villageCode: need.villageCode,
		villageName: need.villageName,
		isKeyCounty,
		submittedAt: need.submittedAt,
		publishedAt: need.publishedAt,
		closedAt: need.closedAt,
		createdAt: need.createdAt,
		updatedAt: need.updatedAt,
		description: need.description,
		statusNote: need.statusNote,
		duplicateOf: need.duplicateOf,
		reviewedAt: need.reviewedAt,
		photos: need.photos.map((p) => ({
			id: p.id,
			contentType: p.contentType,
			byteSize: Number(p.byteSize),
			originalName: p.originalName,
			createdAt: p.createdAt,
		})),
		progress: need.progress,
	}
}

/** Reads one need as the viewer may see it, shaped for the API; undefined when not visible. */
export async function loadNeedJson(db: Parameters<typeof getNeed>[0], needId: string, viewer: Parameters<typeof getNeed>[2]): Promise<NeedJson | undefined> {
	const need = await getNeed(db, needId, viewer)
	if (!need) return undefined
	return needJson(need, await anyInKeyCounty(db, [need.villageCode]))
}

const NeedListQuery = z
	.object({
		category: many(NEED_CATEGORIES, 'Need category.'),
		status: many(
			NEED_STATUSES,
			"Status. Without it, every status the token's account may see (drafts only for its own village, submitted ones also for officials covering the village); the browse page's default is `published`."
		),
		urgency: many(URGENCIES, 'Urgency.'),
		region: RegionCodeQuery,
		keyCounty: FlagQuery.describe('1: only villages in a national key county (国家乡村振兴重点帮扶县).'),
		mine: FlagQuery.describe(
			'1: only villages inside the regions the account\'s provider orgs reach through active pairings ("in my pairings"); nothing for an account without a provider org or pairing.'
		),
		org: IdQuery.describe("Only this village org's needs."),
		...PageQuery,
	})
	.strict()

export const needsEndpoints = [
	endpoint({
		operationId: 'listNeeds',
		method: 'get',
		path: '/needs',
		summary: 'Village needs the token may see, newest first',
		description: "The browse page's filters (category, status, urgency, region at any level, key county, in my pairings) plus the village org. Full-text search is not offered by the API.",
		tags: ['needs'],
		access: 'read',
		query: NeedListQuery,
		response: pageSchema(NeedSummarySchema),
		handler: async ({ db, actor, query }) => {
			const beforeId = decodeCursor(query.cursor)
			if (query.region && !(await getRegion(db, query.region))) throw AppError.invalid({ 'query.region': 'errors.region_not_found' })
			const regionCodesAny = query.mine ? await coveredRegionCodesForActor(db, actor) : undefined
			const rows = await listNeedsPage(
				db,
				{
					categories: query.category,
					statuses: query.status,
					urgencies: query.urgency,
					regionCode: query.region,
					keyCounty: query.keyCounty,
					regionCodesAny,
					villageOrgId: query.org,
					beforeId,
					limit: query.limit,
				},
				actor
			)
			return { body: pageOf(rows, query.limit) }
		},
	}),
	endpoint({
		operationId: 'getNeed',
		method: 'get',
		path: '/needs/{needId}',
		summary: 'One need, with its progress and helpers',
		description: "Public statuses for every token; drafts, submitted, returned and rejected needs only for the village org's members and officials covering the village (404 for anyone else).",
		tags: ['needs'],
		access: 'read',
		params: z.object({ needId: IdSchema }),
		response: NeedSchema,
		handler: async ({ db, actor, params }) => {
			const need = await loadNeedJson(db, params.needId, actor)
			if (!need) throw AppError.notFound('errors.need_not_found')
			return { body: need }
		},
	}),
]
