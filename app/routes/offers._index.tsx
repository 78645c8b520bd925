// Browse offers: active ones by default; facets category, org kind, region, status; sorts newest
// and remaining capacity. Same GET-form pattern as needs._index.tsx (works without JavaScript).
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ActiveFilters, ApplyRow, EmptyResults, FacetChecks, FacetSelect, Pager, Pair, RegionSelect, RegionTrail, ResultCount, SearchRow, cardDl, resultList } from '#app/components/browse.tsx'
import { type OfferCard, listOffersByIds, loadRegionFilter, providerOrgsOf, searchWithFacets } from '#app/models/browse.server.ts'
import { NEED_CATEGORIES } from '#app/models/marketplace-vocab.ts'
import { PROVIDER_KINDS } from '#app/models/organization.schema.ts'
import { isRegionCode } from '#app/models/region-code.ts'
import { getSearchEngine } from '#app/search/index.server.ts'
import type { SearchQuery } from '#app/search/port.ts'
import { getRequestContext } from '#app/utils/auth.server.ts'
import { PAGE_SIZE, type UrlState, hrefWith, listParam, oneOf, pageParam, textParam } from '#app/utils/browse-url.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { formatMeasure } from '#app/utils/format.ts'

export const meta: MetaFunction = () => [{ title: '帮扶资源 · 帮扶 Bangfu' }]

const OFFER_STATUS_CHOICES = ['active', 'paused', 'expired', 'all'] as const
const OFFER_SORTS = ['relevance', 'newest', 'remaining'] as const

export async function loader({ request }: LoaderFunctionArgs) {
	const url = new URL(request.url)
	const { db, actor } = await getRequestContext(request)
	const q = textParam(url, 'q', 100)
	const categories = listParam(url, 'category', NEED_CATEGORIES)
	const orgKinds = listParam(url, 'orgKind', PROVIDER_KINDS)
	const status = oneOf(url.searchParams.get('status'), OFFER_STATUS_CHOICES, 'active')
	const place = textParam(url, 'place', 50)
	const regionParam = isRegionCode(place) ? place : textParam(url, 'region', 20)
	// 'relevance' is the default: best match with keywords, newest without (effectiveSort).
	const sort = oneOf(url.searchParams.get('sort'), OFFER_SORTS, 'relevance')
	const page = pageParam(url)

	const engine = getSearchEngine()
	const query: SearchQuery = {
		type: 'offer',
		q: q || undefined,
		sort,
		page,
		pageSize: PAGE_SIZE,
		filters: {
			categories: categories.length ? categories : undefined,
			orgKind: orgKinds.length ? orgKinds : undefined,
			status: status === 'all' ? ['active', 'paused', 'expired'] : [status],
		},
	}
	const regionFilter = await loadRegionFilter(db, engine, query, regionParam, isRegionCode(place) ? '' : place)
	if (regionFilter.region) query.filters = { ...query.filters, regionPrefix: regionFilter.region.code }
	const result = await searchWithFacets(engine, query, ['categories', 'orgKind', 'status'])
	const rows = await listOffersByIds(db, result.hits.map((h) => h.id))

	const state: UrlState = {
		...(q ? { q } : {}),
		...(categories.length ? { category: categories } : {}),
		...(orgKinds.length ? { orgKind: orgKinds } : {}),
		...(regionFilter.region ? { region: regionFilter.region.code } : {}),
		...(status !== 'active' ? { status } : {}),
		...(sort !== 'relevance' ? { sort } : {}),
	}
	return {
		state,
		filters: { q, categories, orgKinds, status, sort, place: isRegionCode(place) ? '' : place },
		canPost: providerOrgsOf(actor).length > 0,
		regionFilter,
		facets: result.facets,
		rows,
		total: result.total,
		page,
		pages: Math.max(1, Math.ceil(result.total / PAGE_SIZE)),
	}
}

export default function OffersBrowsePage() {
	const { t } = useTranslation()
	const data = useLoaderData<typeof loader>()
	const location = useLocation()
	const { state, filters, facets, regionFilter } = data
	const activeFacets = filters.categories.length + filters.orgKinds.length + (regionFilter.region ? 1 : 0) + (filters.status !== 'active' ? 1 : 0)
	const statusLabel = (s: string) => (s === 'all' ? t('browse.filters.status_all_public') : t(`vocab.offer_status.${s}`))

	return (
		<>
			<div className="row" style={{ alignItems: 'baseline', justifyContent: 'space-between' }}>
				<h1 style={{ flex: '1 1 auto' }}>{t('browse.offers.title')}</h1>
				{data.canPost ? (
					<p style={{ flex: '0 0 auto', margin: 0 }}>
						<Link to="/offers/new">{t('offer.new')}</Link>
					</p>
				) : null}
			</div>
			<p className="muted">{t('browse.offers.intro')}</p>

			<Form key={location.search} method="get" role="search" aria-label={t('browse.offers.search_label')} className="card">
				<SearchRow q={filters.q} sort={filters.sort} sorts={OFFER_SORTS} placeholder={t('browse.offers.q_placeholder')} />
				<details open={activeFacets > 0} style={{ marginTop: 8 }}>
					<summary style={{ cursor: 'pointer', fontWeight: 600 }}>
						{t('browse.filters.title')}
						{activeFacets ? ` (${activeFacets})` : ''}
					</summary>
					<div className="grid" style={{ marginTop: 8 }}>
						<FacetChecks
							name="category"
							legend={t('browse.filters.category_served')}
							options={NEED_CATEGORIES.map((c) => ({ value: c, label: t(`vocab.category.${c}`), count: facets.categories[c] ?? 0 }))}
							selected={filters.categories}
						/>
						<FacetChecks
							name="orgKind"
							legend={t('browse.filters.org_kind')}
							options={PROVIDER_KINDS.map((k) => ({ value: k, label: t(`vocab.org_kind.${k}`), count: facets.orgKind[k] ?? 0 }))}
							selected={filters.orgKinds}
						/>
						<div>
							<FacetSelect
								name="status"
								label={t('browse.filters.status')}
								value={filters.status}
								options={OFFER_STATUS_CHOICES.map((s) => ({ value: s, label: statusLabel(s), count: s === 'all' ? undefined : (facets.status[s] ?? 0) }))}
							/>
							<RegionSelect data={regionFilter} place={filters.place} hint={t('browse.offers.region_hint')} />
						</div>
					</div>
					<ApplyRow hasFilters={activeFacets > 0 || !!filters.q} />
				</details>
			</Form>

			<RegionTrail data={regionFilter} state={state} />
			<ActiveFilters
				state={state}
				items={[
					...filters.categories.map((c) => ({ key: 'category', value: c, label: t(`vocab.category.${c}`) })),
					...filters.orgKinds.map((k) => ({ key: 'orgKind', value: k, label: t(`vocab.org_kind.${k}`) })),
					...(regionFilter.region ? [{ key: 'region', value: regionFilter.region.code, label: regionFilter.region.name }] : []),
					...(filters.status !== 'active' ? [{ key: 'status', value: filters.status, label: statusLabel(filters.status) }] : []),
				]}
			/>

			<ResultCount total={data.total} page={data.page} pages={data.pages} />
			<p className="row" style={{ gap: 12 }}>
				<a href={`/offers/export${hrefWith(state, { format: 'xlsx' })}`} download>
					{t('export.xlsx')}
				</a>
				<a href={`/offers/export${hrefWith(state, { format: 'csv' })}`} download>
					{t('export.csv')}
				</a>
			</p>
			{data.rows.length ? (
				<ol style={resultList} aria-label={t('browse.results')}>
					{data.rows.map((o) => (
						<OfferCardView key={o.id} offer={o} />
					))}
				</ol>
			) : (
				<EmptyResults page={data.page} state={state} text={t('browse.offers.empty')} />
			)}
			<Pager page={data.page} pages={data.pages} state={state} />
		</>
	)
}

function OfferCardView({ offer }: { offer: OfferCard }) {
	const { t, i18n } = useTranslation()
	const regions = offer.regions.slice(0, 3)
	return (
		<li className="card" style={{ marginBottom: 12 }}>
			<h2 style={{ margin: '0 0 4px', fontSize: '1.1rem', overflowWrap: 'anywhere' }}>
				<Link to={`/offers/${offer.id}`}>{offer.title}</Link>
			</h2>
			<p style={{ margin: '0 0 6px', display: 'flex', flexWrap: 'wrap', gap: 4 }}>
				{offer.categories.map((c) => (
					<span key={c} className="tag">
						{t(`vocab.category.${c}`)}
					</span>
				))}
				{offer.isKeyCounty ? <span className="tag key">{t('vocab.key_county')}</span> : null}
				{offer.displayStatus !== 'active' ? <span className="tag">{t(`vocab.offer_status.${offer.displayStatus}`)}</span> : null}
			</p>
			<dl style={cardDl}>
				<Pair label={t('browse.card.capacity')}>
					<strong>{offer.capacity === null ? t('offer.capacity_unlimited') : formatMeasure(offer.measure, offer.remaining ?? 0, offer.unit, i18n.language)}</strong>
					{offer.capacity !== null && offer.remaining !== offer.capacity ? (
						<span className="muted"> / {formatMeasure(offer.measure, offer.capacity, offer.unit, i18n.language)}</span>
					) : null}
					{offer.capacity === null && offer.measure === 'quantity' && offer.unit ? <span className="muted"> ({offer.unit})</span> : null}
				</Pair>
				<Pair label={t('browse.card.coverage')}>
					{offer.coverage === 'nationwide' ? t('offer.covers_nationwide') : null}
					{offer.coverage === 'pairings' ? t('vocab.coverage.pairings') : null}
					{offer.coverage === 'regions' ? (
						<>
							{regions.map((r, i) => (
								<span key={r.code}>
									{i ? '、' : ''}
									<Link to={`/regions/${r.code}`}>{r.name}</Link>
								</span>
							))}
							{offer.regions.length > regions.length ? t('browse.card.and_more', { count: offer.regions.length }) : null}
						</>
					) : null}
				</Pair>
				<Pair label={t('browse.card.valid_until')}>
					<time dateTime={formatChinaDate(offer.validUntil)}>{formatChinaDate(offer.validUntil)}</time>
				</Pair>
				<Pair label={t('browse.card.provider')}>
					<Link to={`/orgs/${offer.orgId}`}>{offer.orgName}</Link> <span className="muted">{t(`vocab.org_kind.${offer.orgKind}`)}</span>
				</Pair>
			</dl>
		</li>
	)
}
