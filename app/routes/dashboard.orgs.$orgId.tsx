// /dashboard/orgs/:orgId: one provider's indicators against its targets, its monthly trend and its
// verified help by category, for officials who supervise that provider (subject.server.ts), with
// its own target form. GET params: year, quarter.
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { Breakdown, IndicatorTable, MonthlyTrend, PeriodFilter, type TargetActionData, TargetForm, TargetFormSchema } from '#app/components/indicators.tsx'
import { computeIndicators, monthlyVerified, verifiedBreakdown } from '#app/models/indicator.server.ts'
import { memoFigures } from '#app/models/figures-cache.server.ts'
import { MAX_YEAR, MIN_YEAR, actualVsTarget, clearTarget, listTargets, setTarget } from '#app/models/indicator-target.server.ts'
import { type Actor, isOfficial } from '#app/models/policy.server.ts'
import { loadSubject, requireSupervision } from '#app/models/subject.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { chinaYearOf } from '#app/utils/china-date.ts'
import { forbidden, replyWithError, throwAsResponse } from '#app/utils/http.server.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.org.name} · 工作看板 · 帮扶 Bangfu` : '工作看板 · 帮扶 Bangfu' }]

const ParamsSchema = z.object({
	year: z.coerce.number().int().min(MIN_YEAR).max(MAX_YEAR).optional().catch(undefined),
	quarter: z.enum(['1', '2', '3', '4']).optional().catch(undefined),
})

function periodParams(url: URL, now = Date.now()) {
	const { year, quarter } = ParamsSchema.parse({ year: url.searchParams.get('year') || undefined, quarter: url.searchParams.get('quarter') || undefined })
	return { year: year ?? chinaYearOf(now), quarter: quarter ? (Number(quarter) as 1 | 2 | 3 | 4) : null }
}

/** The provider, if the actor (an official) supervises it: 404 for no such provider, else 403. */
async function supervisedOrg(request: Request, orgId: string | undefined) {
	const { db, actor } = await requireActor(request)
	if (!isOfficial(actor)) forbidden()
	try {
		const subject = await loadSubject(db, 'org', orgId ?? '')
		requireSupervision(actor, subject)
		return { db, actor: actor as Actor, subject }
	} catch (error) {
		throwAsResponse(error)
	}
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, subject } = await supervisedOrg(request, params.orgId)
	const { year, quarter } = periodParams(new URL(request.url))
	const period = { year, quarter: quarter ?? undefined }
	const scope = { providerOrgId: subject.id }
	const [targets, { actuals, months, byCategory }] = await Promise.all([
		listTargets(db, subject, year),
		memoFigures(db, JSON.stringify(['provider-dashboard', scope, period]), async () => {
			const [actuals, months, byCategory] = await Promise.all([computeIndicators(db, scope, period), monthlyVerified(db, scope, year), verifiedBreakdown(db, scope, period, 'category')])
			return { actuals, months, byCategory }
		}),
	])
	const thisYear = chinaYearOf(Date.now())
	const years = Array.from({ length: thisYear + 2 - MIN_YEAR }, (_, i) => MIN_YEAR + i)
	if (!years.includes(year)) years.push(year)
	return {
		org: { id: subject.id, name: subject.name, kind: subject.orgKind ?? null, regionCode: subject.regionCode || null },
		params: { year, quarter },
		years,
		rows: actualVsTarget(actuals, targets),
		months,
		byCategory,
	}
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor, subject } = await supervisedOrg(request, params.orgId)
	const submission = parseWithZod(await request.formData(), { schema: TargetFormSchema })
	if (submission.status !== 'success') return data<TargetActionData>({ result: submission.reply() }, { status: 400 })
	try {
		const { intent, indicator, year } = submission.value
		if (intent === 'set-target') await setTarget(db, subject, year, indicator, submission.value.target, actor)
		else await clearTarget(db, subject, year, indicator, actor)
		return data<TargetActionData>({ result: submission.reply({ resetForm: true }), done: intent === 'set-target' ? 'set' : 'cleared' })
	} catch (error) {
		const reply = replyWithError(submission, error)
		return data<TargetActionData>({ result: reply.data.result }, { status: reply.init?.status ?? 400 })
	}
}

export default function OrgDashboardPage() {
	const { t } = useTranslation()
	const { org, params, years, rows, months, byCategory } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const period = params.quarter ? t('dashboard.period_quarter', { year: params.year, quarter: params.quarter }) : t('dashboard.period_year', { year: params.year })
	return (
		<>
			<nav className="crumbs" aria-label={t('dashboard.breadcrumbs')}>
				<Link to="/dashboard">{t('dashboard.org.back')}</Link>
				{' · '}
				<Link to={`/orgs/${org.id}`}>{t('dashboard.org.profile')}</Link>
			</nav>
			<h1 style={{ marginBottom: 4, overflowWrap: 'anywhere' }}>
				{org.name} · {t('dashboard.org.title')}
			</h1>
			<p className="muted" style={{ marginTop: 0 }}>
				{period}
				{org.kind ? ` · ${t(`vocab.org_kind.${org.kind}`)}` : ''}
				<br />
				{t('dashboard.intro')}
			</p>
			<PeriodFilter year={params.year} quarter={params.quarter} years={years} />
			<nav aria-label={t('dashboard.related.title')} style={{ marginBottom: 12 }}>
				<Link to={`/appraisals/org/${org.id}?year=${params.year}`}>{t('dashboard.related.appraisal')}</Link>
				{' · '}
				<Link to={`/reports/org/${org.id}?year=${params.year}`}>{t('dashboard.related.report')}</Link>
				{' · '}
				<Link to={`/supervision/interviews?subjectType=org&subjectId=${org.id}`}>{t('dashboard.related.interview')}</Link>
			</nav>
			<section className="card" aria-labelledby="indicators">
				<h2 id="indicators" style={{ marginTop: 0 }}>
					{t('indicators.table.caption')}
				</h2>
				{params.quarter ? <p className="muted">{t('dashboard.notes.quarter')}</p> : null}
				<IndicatorTable rows={rows} caption={`${org.name} · ${period}`} />
			</section>
			<MonthlyTrend months={months} year={params.year} />
			<Breakdown rows={byCategory} by="category" headingId="by-category" />
			<TargetForm year={params.year} lastResult={actionData?.result} done={actionData?.done} />
		</>
	)
}
