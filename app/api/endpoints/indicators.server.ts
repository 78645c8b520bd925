// Indicators (考核指标) for a scope and period, with the annual targets of a region or provider.
// Verified totals are public (the leaderboard shows them), so any token may read them; the
// dashboards' breakdowns stay on the site for officials.
import { z } from 'zod'
import { INDICATORS, INDICATOR_UNITS, computeIndicators, periodBounds } from '#app/models/indicator.server.ts'
import { MAX_YEAR, MIN_YEAR, actualVsTarget, listTargets } from '#app/models/indicator-target.server.ts'
import { getOrganization } from '#app/models/organization.server.ts'
import { fullNames, getRegion } from '#app/models/region.server.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { requireSupervision } from '#app/models/subject.server.ts'
import { AppError } from '#app/utils/errors.ts'
import { endpoint } from '../http.server.ts'
import { IdQuery, Millis, RegionCodeQuery } from './query-params.server.ts'

const UNITS = ['fen', 'people', 'villages', 'permille', 'days'] as const

export const IndicatorReportSchema = z
	.object({
		scope: z.object({
			regionCode: z.string().nullable(),
			regionName: z.string().nullable().describe('Full name, province first'),
			orgId: z.string().nullable(),
			orgName: z.string().nullable(),
			orgKind: z.enum(PROVIDER_KINDS).nullable().describe("Providers of this kind (or the org's kind)"),
		}),
		period: z.object({
			year: z.number().int(),
			quarter: z.number().int().min(1).max(4).nullable(),
			start: Millis.describe('China midnight, inclusive'),
			end: Millis.describe('China midnight, exclusive'),
		}),
		targetsApply: z.boolean().describe('Targets exist for a region alone or a provider alone; other scopes have none'),
		indicators: z.array(
			z.object({
				code: z.enum(INDICATORS).describe('docs/indicators.md defines each one'),
				unit: z.enum(UNITS).describe('fen (1/100 yuan), people, villages, permille (1000 = 100%), days'),
				actual: z.number().nullable().describe('null: does not apply to the scope, or nothing to compute it from'),
				target: z.number().nullable().describe('The annual target, also for a quarter'),
				achievement: z.number().int().nullable().describe('Per-mille of the target reached (1000 = met; for days, target ÷ actual); null without target or actual'),
			})
		),
	})
	.meta({ id: 'IndicatorReport' })

const IndicatorQuery = z
	.object({
		region: RegionCodeQuery.describe('A region code at any level: commitments to villages inside it.'),
		org: IdQuery.describe('A provider org: its commitments and projects.'),
		kind: z.enum(PROVIDER_KINDS).optional().describe('Providers of this kind.'),
		year: z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR).optional().describe('China calendar year; this year by default.'),
		quarter: z.enum(['1', '2', '3', '4']).optional().describe('One quarter of the year; the whole year without it.'),
	})
	.strict()

export const indicatorsEndpoints = [
	endpoint({
		operationId: 'getIndicators',
		method: 'get',
		path: '/indicators',
		summary: 'Indicators for a region, a provider or a provider kind, with targets',
		description:
			'Computed from the records: money and people count only once an official verified them. Scope: any combination of region, org and kind (none: the whole country). Targets are annual and set for a region or a provider; they are returned when the scope is exactly one of those.',
		tags: ['indicators'],
		access: 'read',
		query: IndicatorQuery,
		response: IndicatorReportSchema,
		handler: async ({ db, actor, query, now }) => {
			const fields: Record<string, string> = {}
			const region = query.region ? await getRegion(db, query.region) : undefined
			if (query.region && !region) fields['query.region'] = 'errors.region_not_found'
			// An org the account may not see, or one that is not a provider, is no scope.
			const org = query.org ? await getOrganization(db, query.org, actor) : undefined
			if (query.org && (!org || !(PROVIDER_KINDS as readonly string[]).includes(org.kind))) fields['query.org'] = 'errors.org_not_found'
			if (Object.keys(fields).length) throw AppError.invalid(fields)
			// As on the dashboards: a region's or a provider's figures and targets are for the
			// officials who supervise it; the nation (no region, no org) for national admins.
			if (region) requireSupervision(actor, { regionCode: region.code })
			if (org) requireSupervision(actor, { regionCode: org.regionCode ?? '' })
			if (!region && !org && !actor.isNationalAdmin) throw AppError.forbidden('errors.outside_jurisdiction')
			const year = query.year ?? chinaYearOf(now)
			const quarter = query.quarter ? (Number(query.quarter) as 1 | 2 | 3 | 4) : undefined
			const scope = {
				regionCode: query.region,
				providerOrgId: query.org,
				orgKind: query.kind,
			}
			const subject =
				query.region && !query.org && !query.kind ? { type: 'region' as const, id: query.region } : query.org && !query.region && !query.kind ? { type: 'org' as const, id: query.org } : undefined
			const [actuals, targets, names] = await Promise.all([
				computeIndicators(db, scope, { year, quarter }, now),
				subject ? listTargets(db, subject, year) : Promise.resolve({}),
				query.region ? fullNames(db, [query.region]) : Promise.resolve(new Map<string, string>()),
			])
			const bounds = periodBounds({ year, quarter })
			return {
				body: {
					scope: {
						regionCode: query.region ?? null,
						regionName: query.region ? names.get(query.region) ?? region?.name ?? null : null,
						orgId: org?.id ?? null,
						orgName: org?.name ?? null,
						orgKind: query.kind ?? org?.kind ?? null,
					},
					period: {
						year,
						quarter: quarter ?? null,
						start: bounds.start,
						end: bounds.end,
					},
					targetsApply: !!subject,
					indicators: actualVsTarget(actuals, targets).map((r) => ({
						code: r.indicator,
						unit: INDICATOR_UNITS[r.indicator],
						actual: r.actual,
						target: r.target,
						achievement: r.achievement,
					})),
				},
			}
		},
	}),
]
