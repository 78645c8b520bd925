// Browse published village needs: full text, facets with counts, a region chooser at any level,
// "in my pairings" for providers, sorting and pagination. One GET form; every state is in the URL,
// so it works without JavaScript and every view can be linked. The engine returns ids; the cards
// are read from the database (browse.server.ts).
//
// The shared pieces live in components/browse.tsx (UI), utils/browse-url.ts (URL state) and
// utils/format.ts (money and quantities).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import {
	ActiveFilters,
	ApplyRow,
	CheckOption,
	EmptyResults,
	FacetChecks,
	FacetSelect,
	Pager,
	Pair,
	RegionSelect,
	RegionTrail,
	ResultCount,
	SearchRow,
	UrgencyTag,
	cardDl,
	fieldsetStyle,
	legendStyle,
	resultList,
} from '#app/components/browse.tsx'
import {
	type NeedCard,
	countWith,
	coveredRegionCodesForActor,
	listNeedsByIds,
	loadRegionFilter,
	providerOrgsOf,
	searchWithFacets,
} from '#app/models/browse.server.ts'
import { NEED_CATEGORIES, URGENCIES } from '#app/models/marketplace-vocab.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { getSearchEngine } from '#app/search/index.server.ts'
import type { SearchQuery, SearchSort } from '#app/search/port.ts'
import { getRequestContext } from '#app/utils/auth.server.ts'
import { PAGE_SIZE, type UrlState, hrefWith, listParam, oneOf, pageParam, textParam } from '#app/utils/browse-url.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { formatMeasure } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: '村级需求 · 帮扶 Bangfu' }]

const NEED_STATUS_CHOICES = ['published', 'closed', 'expired', 'all'] as const
const NEED_SORTS = ['relevance', 'newest', 'needed_by', 'urgency', 'remaining'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const url = new URL(request.url)
	const { db, actor } = await getRequestContext(request)
	const q = textParam(url, 'q', 100)
	const categories = listParam(url, 'category', NEED_CATEGORIES)
	const urgencies = listParam(url, 'urgency', URGENCIES)
	const status = oneOf(url.searchParams.get('status'), NEED_STATUS_CHOICES, 'published')
	const keyCounty = url.searchParams.get('keyCounty') === '1'
	const place = textParam(url, 'place', 50)
	// A code typed into the place box is a region choice.
	const regionParam = isRegionCode(place) ? place : textParam(url, 'region', 20)
	// 'relevance' is the default: best match with keywords, newest without (effectiveSort).
	const sort = oneOf(url.searchParams.get('sort'), NEED_SORTS, 'relevance')
	const page = pageParam(url)

	const canUseMine = providerOrgsOf(actor).length > 0
	const mineAsked = url.searchParams.get('mine') === '1'
	const mine = mineAsked && canUseMine
	const covered = mine ? await coveredRegionCodesForActor(db, actor) : []

	const engine = getSearchEngine()
	const query: SearchQuery = {
		type: 'need',
		q: q || undefined,
		sort: sort as SearchSort,
		page,
		pageSize: PAGE_SIZE,
		filters: {
			categories: categories.length ? categories : undefined,
			status: status === 'all' ? ['published', 'closed', 'expired'] : [status],
			urgency: urgencies.length ? urgencies : undefined,
			keyCounty: keyCounty || undefined,
			regionCodesAny: mine ? covered : undefined,
		},
	}
	const regionFilter = await loadRegionFilter(db, engine, query, regionParam, isRegionCode(place) ? '' : place)
	if (regionFilter.region) query.filters = { ...query.filters, regionPrefix: regionFilter.region.code }

	// "In my pairings" with no pairing matches nothing; say so instead of asking the engine.
	const nothing = mine && covered.length === 0
	const [result, keyCountyCount] = nothing
		? [{ hits: [], total: 0, facets: { categories: {}, status: {}, urgency: {}, orgKind: {} } }, 0]
		: await Promise.all([searchWithFacets(engine, query, ['categories', 'status', 'urgency']), keyCounty ? Promise.resolve(-1) : countWith(engine, query, { keyCounty: true })])
	const rows = await listNeedsByIds(db, result.hits.map((h) => h.id))

	const state: UrlState = {
		...(q ? { q } : {}),
		...(categories.length ? { category: categories } : {}),
		...(regionFilter.region ? { region: regionFilter.region.code } : {}),
		...(status !== 'published' ? { status } : {}),
		...(urgencies.length ? { urgency: urgencies } : {}),
		...(keyCounty ? { keyCounty: '1' } : {}),
		...(mine ? { mine: '1' } : {}),
		...(sort !== 'relevance' ? { sort } : {}),
	}
	return {
		state,
		filters: { q, categories, status, urgencies, keyCounty, mine, sort, place: isRegionCode(place) ? '' : place },
		canUseMine,
		mineIgnored: mineAsked && !canUseMine,
		signedIn: !!actor,
		mineRegions: mine ? covered.length : null,
		regionFilter,
		facets: { ...result.facets, keyCounty: keyCounty ? result.total : keyCountyCount },
		rows,
		total: result.total,
		page,
		pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
	}
}

export default function NeedsBrowsePage() {
	const { t } = useTranslation()
	const data = useLoaderData<typeof loader>()
	const location = useLocation()
	const { state, filters, facets, regionFilter } = data
	const activeFacets = filters.categories.length + filters.urgencies.length + (regionFilter.region ? 1 : 0) + (filters.keyCounty ? 1 : 0) + (filters.mine ? 1 : 0) + (filters.status !== 'published' ? 1 : 0)

	return (
		<>
			<h1>{t('browse.needs.title')}</h1>
			<p className="muted">{t('browse.needs.intro')}</p>

			{/* Keyed by the URL: the uncontrolled inputs show the new state after a client-side navigation. */}
			<Form key={location.search} method="get" role="search" aria-label={t('browse.needs.search_label')} className="card">
				<SearchRow q={filters.q} sort={filters.sort} sorts={NEED_SORTS} placeholder={t('browse.needs.q_placeholder')} />
				<details open={activeFacets > 0} style={{ marginTop: 8 }}>
					<summary style={{ cursor: 'pointer', fontWeight: 600 }}>
						{t('browse.filters.title')}
						{activeFacets ? ` (${activeFacets})` : ''}
					</summary>
					<div className="grid" style={{ marginTop: 8 }}>
						<FacetChecks
							name="category"
							legend={t('browse.filters.category')}
							options={NEED_CATEGORIES.map((c) => ({ value: c, label: t(`vocab.category.${c}`), count: facets.categories[c] ?? 0 }))}
							selected={filters.categories}
						/>
						<div>
							<RegionSelect data={regionFilter} place={filters.place} />
						</div>
						<div>
							<FacetSelect
								name="status"
								label={t('browse.filters.status')}
								value={filters.status}
								options={NEED_STATUS_CHOICES.map((s) => ({
									value: s,
									label: s === 'all' ? t('browse.filters.status_all_public') : t(`vocab.need_status.${s}`),
									count: s === 'all' ? undefined : (facets.status[s] ?? 0),
								}))}
							/>
							<FacetChecks
								name="urgency"
								legend={t('browse.filters.urgency')}
								options={[...URGENCIES].reverse().map((u) => ({ value: u, label: t(`vocab.urgency.${u}`), count: facets.urgency[u] ?? 0 }))}
								selected={filters.urgencies}
							/>
						</div>
						<div>
							<fieldset className="field" style={fieldsetStyle}>
								<legend style={legendStyle}>{t('browse.filters.more')}</legend>
								<CheckOption name="keyCounty" value="1" checked={filters.keyCounty} label={t('vocab.key_county')} count={facets.keyCounty} />
								{data.canUseMine ? (
									<CheckOption name="mine" value="1" checked={filters.mine} label={t('browse.filters.mine')} hint={t('browse.filters.mine_hint')} />
								) : null}
							</fieldset>
						</div>
					</div>
					<ApplyRow hasFilters={activeFacets > 0 || !!filters.q} />
				</details>
			</Form>

			<RegionTrail data={regionFilter} state={state} />
			{data.mineIgnored ? <p className="muted">{t(data.signedIn ? 'browse.filters.mine_not_provider' : 'browse.filters.mine_signed_out')}</p> : null}
			{data.mineRegions === 0 ? (
				<p className="card" role="status">
					{t('browse.filters.mine_none')}
				</p>
			) : null}

			<ActiveFilters
				state={state}
				items={[
					...filters.categories.map((c) => ({ key: 'category', value: c, label: t(`vocab.category.${c}`) })),
					...(regionFilter.region ? [{ key: 'region', value: regionFilter.region.code, label: regionFilter.region.name }] : []),
					...(filters.status !== 'published' ? [{ key: 'status', value: filters.status, label: filters.status === 'all' ? t('browse.filters.status_all_public') : t(`vocab.need_status.${filters.status}`) }] : []),
					...filters.urgencies.map((u) => ({ key: 'urgency', value: u, label: t(`vocab.urgency.${u}`) })),
					...(filters.keyCounty ? [{ key: 'keyCounty', value: '1', label: t('vocab.key_county') }] : []),
					...(filters.mine ? [{ key: 'mine', value: '1', label: t('browse.filters.mine') }] : []),
				]}
			/>

			<ResultCount total={data.total} page={data.page} pages={data.pages} />
			<p className="row" style={{ gap: 12 }}>
				<a href={`/needs/export${hrefWith(state, { format: 'xlsx' })}`} download>
					{t('export.xlsx')}
				</a>
				<a href={`/needs/export${hrefWith(state, { format: 'csv' })}`} download>
					{t('export.csv')}
				</a>
			</p>
			{data.rows.length ? (
				<ol style={resultList} aria-label={t('browse.results')}>
					{data.rows.map((n) => (
						<NeedCardView key={n.id} need={n} />
					))}
				</ol>
			) : (
				<EmptyResults page={data.page} state={state} text={t('browse.needs.empty')} />
			)}
			<Pager page={data.page} pages={data.pages} state={state} />
		</>
	)
}

function NeedCardView({ need }: { need: NeedCard }) {
	const { t, i18n } = useTranslation()
	return (
		<li className="card" style={{ marginBottom: 12 }}>
			<h2 style={{ margin: '0 0 4px', fontSize: '1.1rem', overflowWrap: 'anywhere' }}>
				<Link to={`/needs/${need.id}`}>{need.title}</Link>
			</h2>
			<p style={{ margin: '0 0 6px' }}>
				<span className="tag">{t(`vocab.category.${need.category}`)}</span> <UrgencyTag urgency={need.urgency} />
				{need.isKeyCounty ? (
					<>
						{' '}
						<span className="tag key">{t('vocab.key_county')}</span>
					</>
				) : null}
				{need.status !== 'published' ? (
					<>
						{' '}
						<span className="tag">{t(`vocab.need_status.${need.status}`)}</span>
					</>
				) : null}
			</p>
			<dl style={cardDl}>
				<Pair label={t('browse.card.need')}>
					<strong>{formatMeasure(need.measure, need.target, need.unit, i18n.language)}</strong>
				</Pair>
				<Pair label={t('browse.card.needed_by')}>
					<time dateTime={formatChinaDate(need.neededBy)}>{formatChinaDate(need.neededBy)}</time>
				</Pair>
				<Pair label={t('browse.card.place')}>
					<Link to={`/regions/${need.villageCode}`}>{need.villageName}</Link>
				</Pair>
				<Pair label={t('browse.card.village_org')}>
					<Link to={`/orgs/${need.orgId}`}>{need.orgName}</Link>
				</Pair>
			</dl>
		</li>
	)
}
