// /dashboard: an official's indicators for a region of their jurisdiction (a national admin: the
// nation), with the monthly trend, breakdowns, the ranking of the regions one level below (each a
// drill-down link) and the target form. GET params: region, year, quarter, kind. The export
// (/dashboard/export) runs this loader, so it shows exactly these figures under the same check.
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { Breakdown, IndicatorTable, MonthlyTrend, PeriodFilter, StackedTableStyle, type TargetActionData, TargetForm, TargetFormSchema, formatPermille } from '#app/components/indicators.tsx'
import { childLevel, computeIndicators, monthlyVerified, regionRanking, verifiedBreakdown } from '#app/models/indicator.server.ts'
import { memoFigures } from '#app/models/figures-cache.server.ts'
import { MAX_YEAR, MIN_YEAR, actualVsTarget, clearTarget, listTargets, setTarget } from '#app/models/indicator-target.server.ts'
import { type Actor, isOfficial, jurisdictionsOf } from '#app/models/policy.server.ts'
import { listAncestors, listChildren } from '#app/models/region.server.ts'
import { covers, levelOfCode } from '#app/models/region-code.ts'
import { PROVIDER_SUBJECT_KINDS, type Subject, loadSubject, requireSupervision } from '#app/models/subject.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { formatYuan } from '#app/utils/format.ts'
import { forbidden, notFound, replyWithError, throwAsResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '工作看板 · 帮扶 Bangfu' }]

const QUARTERS = ['1', '2', '3', '4'] as const
const ParamsSchema = z.object({
	region: z.string().regex(/^\d{12}$/).optional(),
	year: z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR).optional().catch(undefined),
	quarter: z.enum(QUARTERS).optional().catch(undefined),
	kind: z.enum(PROVIDER_SUBJECT_KINDS as [string, ...string[]]).optional().catch(undefined),
})

export type DashboardParams = { region: string | null; year: number; quarter: 1 | 2 | 3 | 4 | null; kind: (typeof PROVIDER_SUBJECT_KINDS)[number] | null }

/** The GET params; a malformed region is a 404, other malformed values fall back to defaults. */
function parseDashboardParams(url: URL, now = Date.now()): Omit<DashboardParams, 'region'> & { region: string | undefined } {
	const raw = Object.fromEntries([...url.searchParams].filter(([k, v]) => v !== '' && k in ParamsSchema.shape))
	const parsed = ParamsSchema.safeParse(raw)
	if (!parsed.success) notFound('errors.region_not_found')
	const { region, year, quarter, kind } = parsed.data
	return { region, year: year ?? chinaYearOf(now), quarter: quarter ? (Number(quarter) as 1 | 2 | 3 | 4) : null, kind: (kind as DashboardParams['kind']) ?? null }
}

/** The official's top jurisdictions, highest level first (several government orgs are possible). */
function roots(actor: Actor): string[] {
	return jurisdictionsOf(actor).sort((a, b) => (levelOfCode(a) ?? 9) - (levelOfCode(b) ?? 9) || a.localeCompare(b))
}

/** The region the page is about (null: the nation, for a national admin), checked against the jurisdiction. */
async function dashboardSubject(db: Parameters<typeof loadSubject>[0], actor: Actor, region: string | undefined): Promise<Subject | null> {
	const code = region ?? (actor.isNationalAdmin ? undefined : roots(actor)[0])
	if (!code) return null
	try {
		const subject = await loadSubject(db, 'region', code)
		requireSupervision(actor, subject)
		return subject
	} catch (error) {
		throwAsResponse(error)
	}
}

async function requireOfficial(request: Request) {
	const context = await requireActor(request)
	if (!isOfficial(context.actor)) forbidden()
	return context
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const params = parseDashboardParams(new URL(request.url))
	const subject = await dashboardSubject(db, actor, params.region)
	const regionCode = subject?.id ?? null
	const period = { year: params.year, quarter: params.quarter ?? undefined }
	const scope = { regionCode: regionCode ?? undefined, orgKind: params.kind ?? undefined }
	const [targets, children, ancestors] = await Promise.all([
		subject ? listTargets(db, subject, params.year) : Promise.resolve({}),
		listChildren(db, regionCode),
		regionCode ? listAncestors(db, regionCode) : Promise.resolve([]),
	])
	// The figures are the same for every official who opens this view, until the next state change.
	const { actuals, months, byCategory, byOrgKind, ranking } = await memoFigures(db, JSON.stringify(['region-dashboard', scope, period]), async () => {
		const [actuals, months, byCategory, byOrgKind, ranking] = await Promise.all([
			computeIndicators(db, scope, period),
			monthlyVerified(db, scope, params.year),
			verifiedBreakdown(db, scope, period, 'category'),
			verifiedBreakdown(db, scope, period, 'orgKind'),
			regionRanking(db, regionCode, children.map((c) => c.code), period),
		])
		return { actuals, months, byCategory, byOrgKind, ranking }
	})
	const names = new Map(children.map((c) => [c.code, c.name]))
	// Breadcrumbs stop at the jurisdiction: an official of a county does not see the province's link.
	const top = actor.isNationalAdmin ? null : (regionCode && roots(actor).find((j) => covers(j, regionCode))) || null
	const crumbs = [
		...(actor.isNationalAdmin ? [{ code: null as string | null, name: null as string | null }] : []),
		...ancestors.filter((a) => !top || covers(top, a.code)).map((a) => ({ code: a.code as string | null, name: a.name as string | null })),
	]
	const thisYear = chinaYearOf(Date.now())
	const years = Array.from({ length: thisYear + 2 - MIN_YEAR }, (_, i) => MIN_YEAR + i)
	if (!years.includes(params.year)) years.push(params.year)
	return {
		region: subject ? { code: subject.id, name: subject.name, level: levelOfCode(subject.id) ?? null } : null,
		crumbs,
		params: { region: regionCode, year: params.year, quarter: params.quarter, kind: params.kind },
		years,
		kinds: PROVIDER_SUBJECT_KINDS,
		rows: actualVsTarget(actuals, targets),
		months,
		byCategory,
		byOrgKind,
		ranking: {
			level: childLevel(regionCode),
			rows: ranking.map((r) => ({ ...r, name: names.get(r.code) ?? r.code })),
		},
		// Every official who can open a region's dashboard supervises it; the nation has no subject.
		canSetTargets: !!subject,
	}
}

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const params = parseDashboardParams(new URL(request.url))
	const formData = await request.formData()
	const submission = parseWithZod(formData, { schema: TargetFormSchema })
	if (submission.status !== 'success') return data<TargetActionData>({ result: submission.reply() }, { status: 400 })
	try {
		const code = params.region ?? (actor.isNationalAdmin ? undefined : roots(actor)[0])
		if (!code) throw AppError.forbidden('errors.outside_jurisdiction')
		const subject = await loadSubject(db, 'region', code)
		const { intent, indicator, year } = submission.value
		if (intent === 'set-target') await setTarget(db, subject, year, indicator, submission.value.target, actor)
		else await clearTarget(db, subject, year, indicator, actor)
		return data<TargetActionData>({ result: submission.reply({ resetForm: true }), done: intent === 'set-target' ? 'set' : 'cleared' })
	} catch (error) {
		const reply = replyWithError(submission, error)
		return data<TargetActionData>({ result: reply.data.result }, { status: reply.init?.status ?? 400 })
	}
}

/** A dashboard URL keeping the other params. */
export function dashboardHref(path: string, p: { region: string | null; year: number; quarter: number | null; kind: string | null }, extra: Record<string, string> = {}) {
	const s = new URLSearchParams()
	if (p.region) s.set('region', p.region)
	s.set('year', String(p.year))
	if (p.quarter) s.set('quarter', String(p.quarter))
	if (p.kind) s.set('kind', p.kind)
	for (const [k, v] of Object.entries(extra)) s.set(k, v)
	return `${path}?${s}`
}

export default function DashboardPage() {
	const { t, i18n } = useTranslation()
	const { region, crumbs, params, years, kinds, rows, months, byCategory, byOrgKind, ranking, canSetTargets } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const lang = i18n.language
	const name = region?.name ?? t('dashboard.nation')
	const period = params.quarter ? t('dashboard.period_quarter', { year: params.year, quarter: params.quarter }) : t('dashboard.period_year', { year: params.year })
	return (
		<>
			<nav className="crumbs" aria-label={t('dashboard.breadcrumbs')}>
				{crumbs.map((c) => (
					<span key={c.code ?? 'nation'}>
						<Link to={dashboardHref('/dashboard', { ...params, region: c.code })}>{c.name ?? t('dashboard.nation')}</Link>
						{' › '}
					</span>
				))}
				<span aria-current="page">{name}</span>
			</nav>
			<h1 style={{ marginBottom: 4 }}>
				{name} · {t('dashboard.title')}
			</h1>
			<p className="muted" style={{ marginTop: 0 }}>
				{period}
				{region?.level ? ` · ${t(`vocab.level.${region.level}`)}` : ''}
				{params.kind ? ` · ${t(`vocab.org_kind.${params.kind}`)}` : ''}
				<br />
				{t('dashboard.intro')}
			</p>

			<PeriodFilter year={params.year} quarter={params.quarter} years={years} hidden={params.region ? { region: params.region } : {}}>
				<div className="field" style={{ marginBottom: 0 }}>
					<label htmlFor="f-kind">{t('dashboard.filters.kind')}</label>
					<select id="f-kind" name="kind" defaultValue={params.kind ?? ''}>
						<option value="">{t('dashboard.filters.all_kinds')}</option>
						{kinds.map((k) => (
							<option key={k} value={k}>
								{t(`vocab.org_kind.${k}`)}
							</option>
						))}
					</select>
				</div>
			</PeriodFilter>

			<p aria-label={t('dashboard.export.title')}>
				<a href={dashboardHref('/dashboard/export', params, { format: 'xlsx' })} download>
					{t('dashboard.export.xlsx')}
				</a>
				{' · '}
				<a href={dashboardHref('/dashboard/export', params, { format: 'csv' })} download>
					{t('dashboard.export.csv')}
				</a>
			</p>
			{region ? (
				<nav aria-label={t('dashboard.related.title')} style={{ marginBottom: 12 }}>
					<Link to={`/appraisals/region/${region.code}?year=${params.year}`}>{t('dashboard.related.appraisal')}</Link>
					{' · '}
					<Link to={`/reports/region/${region.code}?year=${params.year}`}>{t('dashboard.related.report')}</Link>
					{' · '}
					<Link to={`/supervision?region=${region.code}`}>{t('dashboard.related.supervision')}</Link>
				</nav>
			) : null}

			<section className="card" aria-labelledby="indicators">
				<h2 id="indicators" style={{ marginTop: 0 }}>
					{t('indicators.table.caption')}
				</h2>
				{params.quarter ? <p className="muted">{t('dashboard.notes.quarter')}</p> : null}
				{params.kind ? <p className="muted">{t('dashboard.notes.kind', { kind: t(`vocab.org_kind.${params.kind}`) })}</p> : null}
				<IndicatorTable rows={rows} caption={`${name} · ${period}`} />
			</section>

			<MonthlyTrend months={months} year={params.year} />
			<div className="grid" style={{ gridTemplateColumns: 'repeat(auto-fit, minmax(min(100%, 320px), 1fr))' }}>
				<Breakdown rows={byCategory} by="category" headingId="by-category" />
				<Breakdown rows={byOrgKind} by="orgKind" headingId="by-kind" />
			</div>

			<section className="card" aria-labelledby="ranking">
				<h2 id="ranking" style={{ marginTop: 0 }}>
					{t('dashboard.ranking.title', { level: t(`vocab.level.${ranking.level}`) })}
				</h2>
				{params.kind ? <p className="muted">{t('dashboard.notes.ranking_kind')}</p> : null}
				{ranking.rows.length ? (
					<div className="table-wrap">
						<StackedTableStyle />
						<table className="stacked">
							<thead>
								<tr>
									<th scope="col">{t('dashboard.ranking.col_rank')}</th>
									<th scope="col">{t('dashboard.ranking.col_region')}</th>
									<th scope="col">{t('dashboard.ranking.col_funds')}</th>
									<th scope="col">{t('dashboard.ranking.col_count')}</th>
									<th scope="col">{t('dashboard.ranking.col_needs')}</th>
									<th scope="col">{t('dashboard.ranking.col_coverage')}</th>
								</tr>
							</thead>
							<tbody>
								{ranking.rows.map((r, i) => (
									<tr key={r.code}>
										<td data-label={t('dashboard.ranking.col_rank')}>{i + 1}</td>
										<th scope="row" style={{ background: 'none' }}>
											<Link to={dashboardHref('/dashboard', { ...params, region: r.code })} aria-label={t('dashboard.ranking.drill', { name: r.name })}>
												{r.name}
											</Link>
										</th>
										<td data-label={t('dashboard.ranking.col_funds')} style={{ whiteSpace: 'nowrap' }}>
											{formatYuan(r.verifiedFen, lang)}
										</td>
										<td data-label={t('dashboard.ranking.col_count')}>{r.verifiedCount.toLocaleString(lang)}</td>
										<td data-label={t('dashboard.ranking.col_needs')}>{r.needsPublished.toLocaleString(lang)}</td>
										<td data-label={t('dashboard.ranking.col_coverage')}>{formatPermille(r.coverageRate, lang)}</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				) : (
					<p className="muted">{t('dashboard.ranking.empty')}</p>
				)}
			</section>

			{canSetTargets ? (
				<TargetForm year={params.year} lastResult={actionData?.result} done={actionData?.done} />
			) : (
				<p className="card muted">{t('dashboard.target.nation_note')}</p>
			)}
		</>
	)
}
