// /supervision: the four 督查 lists of the official's jurisdiction as tabs (?list=overdue|stale|
// lagging|unpaired), filtered by region (and, for lagging providers, the on-time threshold) through
// GET params, so everything works without JavaScript. ?format=xlsx|csv goes to the export.
import { type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { Pager, RESPONSIVE_TABLE, SupervisionNav, listHref, listState } from '#app/components/supervision.tsx'
import { isOfficial } from '#app/models/policy.server.ts'
import { DEFAULT_ON_TIME_THRESHOLD, MIN_COUNTED_COMMITMENTS, STALE_NEED_DAYS, SUPERVISION_LISTS, parseThreshold } from '#app/models/supervision.schema.ts'
import {
	type LaggingProviderRow,
	type OverdueRow,
	type Page,
	type StaleNeedRow,
	type UnpairedVillageRow,
	listLaggingProviders,
	listOverdueCommitments,
	listStaleNeeds,
	listUnpairedVillages,
	resolveRegionFilter,
} from '#app/models/supervision.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { AppError } from '#app/utils/errors.ts'
import { formatMeasure } from '#app/utils/format.ts'
import { forbidden } from '#app/utils/http.server.ts'
import { isSpreadsheetFormat } from '#app/utils/spreadsheet.server.ts'

export const meta: MetaFunction = () => [{ title: '督查 · 帮扶 Bangfu' }]

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	if (!isOfficial(actor)) forbidden()
	const url = new URL(request.url)
	const state = listState(url)
	const format = url.searchParams.get('format')
	// A file download cannot come from a page route: the export is a resource route.
	if (isSpreadsheetFormat(format)) throw redirect(listHref(state, { format, path: '/supervision/export' }))

	const errors: Record<string, string> = {}
	let region: { code: string; name: string } | null = null
	try {
		region = await resolveRegionFilter(db, actor, state.region)
	} catch (error) {
		if (!(error instanceof AppError) || error.code !== 'invalid') throw error
		Object.assign(errors, error.fields)
	}
	const threshold = parseThreshold(state.threshold || null)
	if (state.list === 'lagging' && threshold.error) errors.threshold = threshold.error

	const filters = { region: region?.code }
	const request_ = { page: state.page }
	const empty = <T,>(): Page<T> => ({ rows: [], total: 0, page: 1, pages: 1, pageSize: 0 })
	const ok = Object.keys(errors).length === 0
	let overdue: Page<OverdueRow> | null = null
	let stale: Page<StaleNeedRow> | null = null
	let lagging: Page<LaggingProviderRow> | null = null
	let unpaired: Page<UnpairedVillageRow> | null = null
	if (state.list === 'overdue') overdue = ok ? await listOverdueCommitments(db, actor, filters, request_) : empty()
	else if (state.list === 'stale') stale = ok ? await listStaleNeeds(db, actor, filters, request_) : empty()
	else if (state.list === 'lagging') lagging = ok ? await listLaggingProviders(db, actor, filters, { ...request_, threshold: threshold.value }) : empty()
	else unpaired = ok ? await listUnpairedVillages(db, actor, filters, request_) : empty()

	const active = overdue ?? stale ?? lagging ?? unpaired
	return data(
		{
			state: { ...state, page: active?.page ?? 1 },
			regionName: region?.name ?? null,
			threshold: threshold.value,
			errors,
			overdue,
			stale,
			lagging,
			unpaired,
			total: active?.total ?? 0,
			pages: active?.pages ?? 1,
		},
		{ status: ok ? 200 : 400 },
	)
}

export default function SupervisionPage() {
	const { t, i18n } = useTranslation()
	const d = useLoaderData<typeof loader>()
	const { state } = d
	const lang = i18n.language
	const date = (ms: number) => formatChinaDate(ms)
	return (
		<>
			<SupervisionNav />
			<h1>{t('supervision.title')}</h1>
			<p className="muted">{t('supervision.intro')}</p>

			<nav aria-label={t('supervision.lists.label')} className="row" style={{ gap: 12, flexWrap: 'wrap' }}>
				{SUPERVISION_LISTS.map((list) =>
					list === state.list ? (
						<strong key={list} aria-current="page" style={{ flex: '0 0 auto' }}>
							{t(`supervision.lists.${list}`)}
						</strong>
					) : (
						<Link key={list} to={listHref({ ...state, list, page: 1 })} style={{ flex: '0 0 auto' }}>
							{t(`supervision.lists.${list}`)}
						</Link>
					),
				)}
			</nav>
			<p className="muted">{t(`supervision.rules.${state.list}`, { days: STALE_NEED_DAYS, min: MIN_COUNTED_COMMITMENTS, threshold: d.threshold })}</p>

			<Form method="get" className="card row" style={{ alignItems: 'flex-end' }} aria-label={t('common.filter')}>
				<input type="hidden" name="list" value={state.list} />
				<div className="field">
					<label htmlFor="filter-region">{t('supervision.filters.region')}</label>
					<input id="filter-region" name="region" defaultValue={state.region} inputMode="numeric" maxLength={12} aria-invalid={d.errors.region ? true : undefined} aria-describedby={d.errors.region ? 'filter-region-error' : undefined} />
					<small className="hint">{d.regionName ?? t('supervision.filters.region_hint')}</small>
					<ErrorList id="filter-region-error" errors={d.errors.region ? [d.errors.region] : null} />
				</div>
				{state.list === 'lagging' ? (
					<div className="field">
						<label htmlFor="filter-threshold">{t('supervision.filters.threshold')}</label>
						<input
							id="filter-threshold"
							name="threshold"
							type="number"
							min={0}
							max={100}
							step={1}
							defaultValue={state.threshold || String(DEFAULT_ON_TIME_THRESHOLD)}
							aria-invalid={d.errors.threshold ? true : undefined}
							aria-describedby={d.errors.threshold ? 'filter-threshold-error' : undefined}
						/>
						<ErrorList id="filter-threshold-error" errors={d.errors.threshold ? [d.errors.threshold] : null} />
					</div>
				) : null}
				<div className="field">
					<button type="submit">{t('common.filter')}</button>
				</div>
			</Form>

			<p className="row" style={{ alignItems: 'center', gap: 12 }}>
				<span role="status" style={{ flex: '1 1 auto' }}>
					{t('supervision.count', { count: d.total })}
				</span>
				<a href={listHref(state, { format: 'xlsx', path: '/supervision/export' })} download style={{ flex: '0 0 auto' }}>
					{t('supervision.export.xlsx')}
				</a>
				<a href={listHref(state, { format: 'csv', path: '/supervision/export' })} download style={{ flex: '0 0 auto' }}>
					{t('supervision.export.csv')}
				</a>
			</p>

			<style>{RESPONSIVE_TABLE}</style>
			{d.total === 0 ? <p className="card">{t(`supervision.empty.${state.list}`)}</p> : null}

			{d.overdue?.rows.length ? (
				<div className="table-wrap card" style={{ padding: 0 }}>
					<table className="stack">
						<thead>
							<tr>
								<th scope="col">{t('supervision.columns.provider')}</th>
								<th scope="col">{t('supervision.columns.village')}</th>
								<th scope="col">{t('supervision.columns.need')}</th>
								<th scope="col">{t('supervision.columns.amount')}</th>
								<th scope="col">{t('supervision.columns.due_date')}</th>
								<th scope="col">{t('supervision.columns.days_overdue')}</th>
							</tr>
						</thead>
						<tbody>
							{d.overdue.rows.map((r) => (
								<tr key={r.id}>
									<td>
										<Link to={`/orgs/${r.providerOrgId}`}>{r.providerName}</Link>
									</td>
									<td data-label={t('supervision.columns.village')}>
										<Link to={`/regions/${r.villageCode}`}>{r.villageName}</Link>
										<div className="muted">{r.villageOrgName}</div>
									</td>
									<td data-label={t('supervision.columns.need')}>
										<Link to={`/commitments/${r.id}`}>{r.needTitle}</Link>
									</td>
									<td data-label={t('supervision.columns.amount')} style={{ whiteSpace: 'nowrap' }}>
										{formatMeasure(r.measure, r.amount, r.unit, lang)}
									</td>
									<td data-label={t('supervision.columns.due_date')}>{date(r.dueAt)}</td>
									<td data-label={t('supervision.columns.days_overdue')}>
										<strong>{t('supervision.days', { count: r.daysOverdue })}</strong>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : null}

			{d.stale?.rows.length ? (
				<div className="table-wrap card" style={{ padding: 0 }}>
					<table className="stack">
						<thead>
							<tr>
								<th scope="col">{t('supervision.columns.need')}</th>
								<th scope="col">{t('supervision.columns.village')}</th>
								<th scope="col">{t('supervision.columns.target')}</th>
								<th scope="col">{t('supervision.columns.published_on')}</th>
								<th scope="col">{t('supervision.columns.days_since')}</th>
							</tr>
						</thead>
						<tbody>
							{d.stale.rows.map((r) => (
								<tr key={r.id}>
									<td>
										<Link to={`/needs/${r.id}`}>{r.title}</Link>
										<div className="muted">{t(`vocab.category.${r.category}`)}</div>
									</td>
									<td data-label={t('supervision.columns.village')}>
										<Link to={`/regions/${r.villageCode}`}>{r.villageName}</Link>
										<div className="muted">{r.villageOrgName}</div>
									</td>
									<td data-label={t('supervision.columns.target')} style={{ whiteSpace: 'nowrap' }}>
										{formatMeasure(r.measure, r.target, r.unit, lang)}
									</td>
									<td data-label={t('supervision.columns.published_on')}>{date(r.publishedAt)}</td>
									<td data-label={t('supervision.columns.days_since')}>
										<strong>{t('supervision.days', { count: r.daysSincePublished })}</strong>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : null}

			{d.lagging?.rows.length ? (
				<div className="table-wrap card" style={{ padding: 0 }}>
					<table className="stack">
						<thead>
							<tr>
								<th scope="col">{t('supervision.columns.provider')}</th>
								<th scope="col">{t('supervision.columns.rate')}</th>
								<th scope="col">{t('supervision.columns.counted')}</th>
								<th scope="col">{t('supervision.columns.on_time')}</th>
								<th scope="col">{t('supervision.columns.late')}</th>
								<th scope="col">{t('supervision.columns.overdue')}</th>
							</tr>
						</thead>
						<tbody>
							{d.lagging.rows.map((r) => (
								<tr key={r.providerOrgId}>
									<td>
										<Link to={`/orgs/${r.providerOrgId}`}>{r.providerName}</Link>
										<div className="muted">{t(`vocab.org_kind.${r.providerKind}`)}</div>
									</td>
									<td data-label={t('supervision.columns.rate')}>
										<strong>{r.rate}%</strong>
									</td>
									<td data-label={t('supervision.columns.counted')}>{r.total}</td>
									<td data-label={t('supervision.columns.on_time')}>{r.onTime}</td>
									<td data-label={t('supervision.columns.late')}>{r.late}</td>
									<td data-label={t('supervision.columns.overdue')}>{r.overdue}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : null}

			{d.unpaired?.rows.length ? (
				<div className="table-wrap card" style={{ padding: 0 }}>
					<table className="stack">
						<thead>
							<tr>
								<th scope="col">{t('supervision.columns.village_org')}</th>
								<th scope="col">{t('supervision.columns.village')}</th>
								<th scope="col">{t('supervision.columns.contact')}</th>
								<th scope="col">{t('common.actions')}</th>
							</tr>
						</thead>
						<tbody>
							{d.unpaired.rows.map((r) => (
								<tr key={r.orgId}>
									<td>
										<Link to={`/orgs/${r.orgId}`}>{r.orgName}</Link>
									</td>
									<td data-label={t('supervision.columns.village')}>
										<Link to={`/regions/${r.villageCode}`}>{r.villageName}</Link>
										<div className="muted">{r.villageCode}</div>
									</td>
									<td data-label={t('supervision.columns.contact')}>{[r.contactName, r.contactPhone].filter(Boolean).join(' ') || '—'}</td>
									<td>
										<Link to={`/pairings?recipient=${r.villageCode}`}>{t('supervision.actions.pair')}</Link>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : null}

			<Pager page={state.page} pages={d.pages} total={d.total} href={(page) => listHref(state, { page })} label={t('supervision.pagination')} />
		</>
	)
}
