// Regions: the NBS 2023 divisions, public facts (any token may read them).
import { z } from 'zod'
import { fullNames, getRegion, listChildren } from '#app/models/region.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { endpoint } from '../http.server.ts'

export const RegionSchema = z
	.object({
		code: z.string().regex(/^\d{12}$/).describe('12-digit NBS statistical division code'),
		name: z.string(),
		fullName: z.string().describe('Province to this region, e.g. 贵州省 安顺市 紫云苗族布依族自治县'),
		level: z.number().int().min(1).max(5).describe('1 province … 5 village'),
		parentCode: z.string().nullable(),
		isKeyCounty: z.boolean().describe('国家乡村振兴重点帮扶县 (counties only)'),
	})
	.meta({ id: 'Region' })

const CodeParams = z.object({ code: z.string().regex(/^\d{12}$/) })

async function withFullNames(db: Parameters<typeof fullNames>[0], rows: Array<{ code: string; name: string; level: number; parentCode: string | null; isKeyCounty: number }>) {
	const names = await fullNames(db, rows.map((r) => r.code))
	return rows.map((r) => ({ code: r.code, name: r.name, fullName: names.get(r.code) ?? r.name, level: r.level, parentCode: r.parentCode, isKeyCounty: r.isKeyCounty === 1 }))
}

export const regionEndpoints = [
	endpoint({
		operationId: 'listProvinces',
		method: 'get',
		path: '/regions',
		summary: 'Provinces (the top level of the divisions)',
		tags: ['regions'],
		access: 'read',
		response: z.object({ items: z.array(RegionSchema) }),
		handler: async ({ db }) => ({ body: { items: await withFullNames(db, await listChildren(db, null)) } }),
	}),
	endpoint({
		operationId: 'getRegion',
		method: 'get',
		path: '/regions/{code}',
		summary: 'One region',
		tags: ['regions'],
		access: 'read',
		params: CodeParams,
		response: RegionSchema,
		handler: async ({ db, params }) => {
			const region = await getRegion(db, params.code)
			if (!region) throw AppError.notFound('errors.region_not_found')
			return { body: (await withFullNames(db, [region]))[0] }
		},
	}),
	endpoint({
		operationId: 'listRegionChildren',
		method: 'get',
		path: '/regions/{code}/children',
		summary: 'The divisions directly below a region',
		tags: ['regions'],
		access: 'read',
		params: CodeParams,
		response: z.object({ items: z.array(RegionSchema) }),
		handler: async ({ db, params }) => {
			if (!(await getRegion(db, params.code))) throw AppError.notFound('errors.region_not_found')
			return { body: { items: await withFullNames(db, await listChildren(db, params.code)) } }
		},
	}),
]
