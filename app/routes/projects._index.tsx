// Browse 万企兴万村 projects: facets type, status, region; newest first. Same GET-form pattern as
// needs._index.tsx (works without JavaScript).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ActiveFilters, ApplyRow, EmptyResults, FacetChecks, Pager, Pair, RegionSelect, RegionTrail, ResultCount, SearchRow, cardDl, resultList } from '#app/components/browse.tsx'
import { type ProjectCard, listProjectsByIds, loadRegionFilter, searchWithFacets } from '#app/models/browse.server.ts'
import { PROJECT_STATUSES, PROJECT_TYPES } from '#app/models/marketplace-vocab.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { getSearchEngine } from '#app/search/index.server.ts'
import type { SearchQuery } from '#app/search/port.ts'
import { getRequestContext } from '#app/utils/auth.server.ts'
import { PAGE_SIZE, type UrlState, hrefWith, listParam, oneOf, pageParam, textParam } from '#app/utils/browse-url.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { formatYuan } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: '万企兴万村项目 · 帮扶 Bangfu' }]

const PROJECT_SORTS = ['relevance', 'newest'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const url = new URL(request.url)
	const { db, actor } = await getRequestContext(request)
	const q = textParam(url, 'q', 100)
	const types = listParam(url, 'type', PROJECT_TYPES)
	const statuses = listParam(url, 'status', PROJECT_STATUSES)
	const place = textParam(url, 'place', 50)
	const regionParam = isRegionCode(place) ? place : textParam(url, 'region', 20)
	// 'relevance' is the default: best match with keywords, newest without (effectiveSort).
	const sort = oneOf(url.searchParams.get('sort'), PROJECT_SORTS, 'relevance')
	const page = pageParam(url)

	const engine = getSearchEngine()
	const query: SearchQuery = {
		type: 'project',
		q: q || undefined,
		sort,
		page,
		pageSize: PAGE_SIZE,
		filters: {
			// A project's type is its category in the index (documents.server.ts).
			categories: types.length ? types : undefined,
			status: statuses.length ? statuses : undefined,
		},
	}
	const regionFilter = await loadRegionFilter(db, engine, query, regionParam, isRegionCode(place) ? '' : place)
	if (regionFilter.region) query.filters = { ...query.filters, regionPrefix: regionFilter.region.code }
	const result = await searchWithFacets(engine, query, ['categories', 'status'])
	const rows = await listProjectsByIds(db, result.hits.map((h) => h.id))

	const state: UrlState = {
		...(q ? { q } : {}),
		...(types.length ? { type: types } : {}),
		...(statuses.length ? { status: statuses } : {}),
		...(regionFilter.region ? { region: regionFilter.region.code } : {}),
		...(sort !== 'relevance' ? { sort } : {}),
	}
	return {
		state,
		filters: { q, types, statuses, sort, place: isRegionCode(place) ? '' : place },
		canRegister: !!actor?.memberships.some((m) => m.kind === 'enterprise' && m.status === 'verified' && m.role !== 'member'),
		regionFilter,
		facets: result.facets,
		rows,
		total: result.total,
		page,
		pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
	}
}

export default function ProjectsBrowsePage() {
	const { t } = useTranslation()
	const data = useLoaderData<typeof loader>()
	const location = useLocation()
	const { state, filters, facets, regionFilter } = data
	const activeFacets = filters.types.length + filters.statuses.length + (regionFilter.region ? 1 : 0)

	return (
		<>
			<div className="row" style={{ alignItems: 'baseline', justifyContent: 'space-between' }}>
				<h1 style={{ flex: '1 1 auto' }}>{t('browse.projects.title')}</h1>
				{data.canRegister ? (
					<p style={{ flex: '0 0 auto', margin: 0 }}>
						<Link to="/projects/new">{t('project.new')}</Link>
					</p>
				) : null}
			</div>
			<p className="muted">{t('browse.projects.intro')}</p>

			<Form key={location.search} method="get" role="search" aria-label={t('browse.projects.search_label')} className="card">
				<SearchRow q={filters.q} sort={filters.sort} sorts={PROJECT_SORTS} placeholder={t('browse.projects.q_placeholder')} />
				<details open={activeFacets > 0} style={{ marginTop: 8 }}>
					<summary style={{ cursor: 'pointer', fontWeight: 600 }}>
						{t('browse.filters.title')}
						{activeFacets ? ` (${activeFacets})` : ''}
					</summary>
					<div className="grid" style={{ marginTop: 8 }}>
						<div>
							<FacetChecks
								name="type"
								legend={t('browse.filters.project_type')}
								options={PROJECT_TYPES.map((p) => ({ value: p, label: t(`vocab.project_type.${p}`), count: facets.categories[p] ?? 0 }))}
								selected={filters.types}
							/>
							<FacetChecks
								name="status"
								legend={t('browse.filters.status')}
								options={PROJECT_STATUSES.map((s) => ({ value: s, label: t(`vocab.project_status.${s}`), count: facets.status[s] ?? 0 }))}
								selected={filters.statuses}
							/>
						</div>
						<div>
							<RegionSelect data={regionFilter} place={filters.place} />
						</div>
					</div>
					<ApplyRow hasFilters={activeFacets > 0 || !!filters.q} />
				</details>
			</Form>

			<RegionTrail data={regionFilter} state={state} />
			<ActiveFilters
				state={state}
				items={[
					...filters.types.map((p) => ({ key: 'type', value: p, label: t(`vocab.project_type.${p}`) })),
					...filters.statuses.map((s) => ({ key: 'status', value: s, label: t(`vocab.project_status.${s}`) })),
					...(regionFilter.region ? [{ key: 'region', value: regionFilter.region.code, label: regionFilter.region.name }] : []),
				]}
			/>

			<ResultCount total={data.total} page={data.page} pages={data.pages} />
			<p className="row" style={{ gap: 12 }}>
				<a href={`/projects/export${hrefWith(state, { format: 'xlsx' })}`} download>
					{t('export.xlsx')}
				</a>
				<a href={`/projects/export${hrefWith(state, { format: 'csv' })}`} download>
					{t('export.csv')}
				</a>
			</p>
			{data.rows.length ? (
				<ol style={resultList} aria-label={t('browse.results')}>
					{data.rows.map((p) => (
						<ProjectCardView key={p.id} project={p} />
					))}
				</ol>
			) : (
				<EmptyResults page={data.page} state={state} text={t('browse.projects.empty')} />
			)}
			<Pager page={data.page} pages={data.pages} state={state} />
		</>
	)
}

function ProjectCardView({ project }: { project: ProjectCard }) {
	const { t, i18n } = useTranslation()
	const villages = project.villages.slice(0, 3)
	const n = (x: number) => x.toLocaleString(i18n.language === 'en' ? 'en-US' : 'zh-CN')
	return (
		<li className="card" style={{ marginBottom: 12 }}>
			<h2 style={{ margin: '0 0 4px', fontSize: '1.1rem', overflowWrap: 'anywhere' }}>
				<Link to={`/projects/${project.id}`}>{project.title}</Link>
			</h2>
			<p style={{ margin: '0 0 6px', display: 'flex', flexWrap: 'wrap', gap: 4 }}>
				<span className="tag">{t(`vocab.project_type.${project.type}`)}</span>
				<span className={project.status === 'completed' ? 'tag verified' : 'tag'}>{t(`vocab.project_status.${project.status}`)}</span>
				{project.isKeyCounty ? <span className="tag key">{t('vocab.key_county')}</span> : null}
			</p>
			<dl style={cardDl}>
				<Pair label={t('project.investment')}>
					<strong>{formatYuan(project.plannedInvestment, i18n.language)}</strong>
				</Pair>
				{project.permanentJobs || project.temporaryJobs ? (
					<Pair label={t('project.jobs')}>{t('browse.card.jobs', { permanent: n(project.permanentJobs), temporary: n(project.temporaryJobs) })}</Pair>
				) : null}
				<Pair label={t('browse.card.place')}>
					{villages.map((v, i) => (
						<span key={v.code}>
							{i ? '、' : ''}
							<Link to={`/regions/${v.code}`}>{v.name}</Link>
						</span>
					))}
					{project.villages.length > villages.length ? t('browse.card.and_more', { count: project.villages.length }) : null}
				</Pair>
				<Pair label={t('project.period')}>{t('project.period_range', { from: formatChinaDate(project.startsOn), until: formatChinaDate(project.endsOn) })}</Pair>
				<Pair label={t('project.enterprise')}>
					<Link to={`/orgs/${project.orgId}`}>{project.orgName}</Link>
				</Pair>
			</dl>
		</li>
	)
}
