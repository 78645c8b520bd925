// Browse published village needs: full text, facets with counts, a region chooser at any level,
// "in my pairings" for providers, sorting and pagination. One GET form; every state is in the URL,
// so it works without JavaScript and every view can be linked. The engine returns ids; the cards
// are read from the database (browse.server.ts).
//
// The shared browse UI (money, facet checkboxes, region chooser, pager) is exported from here and
// used by offers._index.tsx and projects._index.tsx.
import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useLocation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import {
	type NeedCard,
	type RegionFilterData,
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
import { formatChinaDate } from '#app/utils/china-date.ts'

export const meta: MetaFunction = () => [{ title: '村级需求 · 帮扶 Bangfu' }]

export const PAGE_SIZE = 20
// Far past any real page; keeps a hand-typed ?page= from asking the engine for a huge offset.
export const MAX_PAGE = 500

const NEED_STATUS_CHOICES = ['published', 'closed', 'expired', 'all'] as const
const NEED_SORTS = ['relevance', 'newest', 'needed_by', 'urgency', 'remaining'] as const

// ---------------------------------------------------------------------------------------------
// URL parsing, shared by the three browse loaders (pure; safe to import anywhere).

/** The values of a repeated param that belong to `allowed`, in vocabulary order. */
export function listParam<T extends string>(url: URL, name: string, allowed: readonly T[]): T[] {
	const given = new Set(url.searchParams.getAll(name))
	return allowed.filter((v) => given.has(v))
}

export function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
	return (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback
}

export function pageParam(url: URL): number {
	return Math.min(Math.max(Math.floor(Number(url.searchParams.get('page'))) || 1, 1), MAX_PAGE)
}

export function textParam(url: URL, name: string, max: number): string {
	return (url.searchParams.get(name) ?? '').trim().slice(0, max)
}

export type UrlState = Record<string, string | string[]>


// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Shared browse UI.

const fieldsetStyle = { border: 0, padding: 0, margin: '0 0 12px', minWidth: 0 } as const
const legendStyle = { fontWeight: 600, padding: 0, marginBottom: 4 } as const
export const resultList = { listStyle: 'none', padding: 0, margin: 0 } as const
export const cardDl = { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px', margin: 0 } as const

/** ¥ with thousands separators, and fen only when there are any: 12345650 → ¥123,456.50, 100 → ¥1. */
export function formatYuan(fen: number, language: string): string {
	const digits = fen % 100 === 0 ? 0 : 2
	return `¥${new Intl.NumberFormat(language === 'en' ? 'en-US' : 'zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(fen / 100)}`
}

/** An amount (fen) as money, or a quantity with its unit. */
export function formatMeasure(measure: string, value: number, unit: string | null, language: string): string {
	if (measure === 'amount') return formatYuan(value, language)
	return `${value.toLocaleString(language === 'en' ? 'en-US' : 'zh-CN')}${unit ? ` ${unit}` : ''}`
}

/** A link to this page with `changes` applied to the filter state (null removes a key); page resets unless given. */
export function hrefWith(state: UrlState, changes: Record<string, string | string[] | number | null> = {}): string {
	const params = new URLSearchParams()
	const merged: Record<string, string | string[] | number | null> = { ...state, ...changes }
	for (const [key, value] of Object.entries(merged)) {
		if (value === null || value === '' || (key === 'page' && value === 1)) continue
		for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
	}
	const s = params.toString()
	return s ? `?${s}` : '.'
}

export function SearchRow({ q, sort, sorts, placeholder }: { q: string; sort: string; sorts: readonly string[]; placeholder: string }) {
	const { t } = useTranslation()
	return (
		<div className="row">
			<div className="field" style={{ flex: '3 1 220px', marginBottom: 0 }}>
				<label htmlFor="f-q">{t('browse.search.q')}</label>
				<input id="f-q" name="q" type="search" defaultValue={q} maxLength={100} placeholder={placeholder} enterKeyHint="search" />
			</div>
			<div className="field" style={{ flex: '1 1 140px', marginBottom: 0 }}>
				<label htmlFor="f-sort">{t('browse.search.sort')}</label>
				<select id="f-sort" name="sort" defaultValue={sort}>
					{sorts.map((s) => (
						<option key={s} value={s}>
							{t(`browse.sort.${s}`)}
						</option>
					))}
				</select>
			</div>
			<button type="submit" style={{ flex: '0 0 auto' }}>
				{t('browse.search.submit')}
			</button>
		</div>
	)
}

export function ApplyRow({ hasFilters }: { hasFilters: boolean }) {
	const { t } = useTranslation()
	return (
		<p className="row" style={{ alignItems: 'center', margin: 0 }}>
			<button type="submit" className="secondary" style={{ flex: '0 0 auto' }}>
				{t('browse.filters.apply')}
			</button>
			{hasFilters ? (
				<Link to="." style={{ flex: '0 0 auto' }}>
					{t('browse.filters.reset')}
				</Link>
			) : null}
		</p>
	)
}

function Count({ count }: { count: number | undefined | null }) {
	if (count === undefined || count === null) return null
	return <span className="muted"> ({count.toLocaleString()})</span>
}

export function CheckOption({ name, value, checked, label, count, hint }: { name: string; value: string; checked: boolean; label: string; count?: number; hint?: string }) {
	const id = `f-${name}-${value}`
	return (
		<label htmlFor={id} style={{ display: 'flex', gap: 8, alignItems: 'flex-start', fontWeight: 400, padding: '2px 0' }}>
			<input id={id} type="checkbox" name={name} value={value} defaultChecked={checked} style={{ marginTop: 6, flex: '0 0 auto' }} />
			<span>
				{label}
				<Count count={count} />
				{hint ? (
					<>
						<br />
						<small className="hint">{hint}</small>
					</>
				) : null}
			</span>
		</label>
	)
}

export function FacetChecks({ name, legend, options, selected }: { name: string; legend: string; options: Array<{ value: string; label: string; count?: number }>; selected: readonly string[] }) {
	return (
		<fieldset className="field" style={fieldsetStyle}>
			<legend style={legendStyle}>{legend}</legend>
			{options.map((o) => (
				<CheckOption key={o.value} name={name} value={o.value} checked={selected.includes(o.value)} label={o.label} count={o.count} />
			))}
		</fieldset>
	)
}

export function FacetSelect({ name, label, value, options }: { name: string; label: string; value: string; options: Array<{ value: string; label: string; count?: number }> }) {
	return (
		<div className="field">
			<label htmlFor={`f-${name}`}>{label}</label>
			<select id={`f-${name}`} name={name} defaultValue={value}>
				{options.map((o) => (
					<option key={o.value} value={o.value}>
						{o.label}
						{o.count !== undefined ? ` (${o.count.toLocaleString()})` : ''}
					</option>
				))}
			</select>
		</div>
	)
}

/** The region filter inside the GET form: the chosen region, the regions above it and below it, and a place-name box. */
export function RegionSelect({ data, place, hint }: { data: RegionFilterData; place: string; hint?: string }) {
	const { t } = useTranslation()
	const current = data.region
	return (
		<>
			<div className="field">
				<label htmlFor="f-region">{t('browse.filters.region')}</label>
				<select id="f-region" name="region" defaultValue={current?.code ?? ''} aria-describedby="f-region-hint">
					<option value="">{t('browse.region.all')}</option>
					{data.ancestors.map((a, i) => (
						<option key={a.code} value={a.code}>
							{'　'.repeat(i)}
							{a.name}
						</option>
					))}
					{current ? (
						<option value={current.code}>
							{'　'.repeat(data.ancestors.length)}
							{current.name}
						</option>
					) : null}
					{data.children.map((c) => (
						<option key={c.code} value={c.code}>
							{'　'.repeat(current ? data.ancestors.length + 1 : 0)}
							{current ? '↳ ' : ''}
							{c.name}
							{c.count !== null ? ` (${c.count.toLocaleString()})` : ''}
						</option>
					))}
				</select>
				<small id="f-region-hint" className="hint">
					{hint ?? t('browse.region.hint')}
				</small>
			</div>
			<div className="field">
				<label htmlFor="f-place">{t('browse.filters.place')}</label>
				<input id="f-place" name="place" type="search" defaultValue={place} maxLength={50} aria-describedby="f-place-hint" />
				<small id="f-place-hint" className="hint">
					{t('browse.filters.place_hint')}
				</small>
			</div>
		</>
	)
}

/** Breadcrumbs of the chosen region, the divisions below it as links (with counts), and place-name matches. */
export function RegionTrail({ data, state }: { data: RegionFilterData; state: UrlState }) {
	const { t } = useTranslation()
	const withRegion = (code: string | null) => hrefWith({ ...state, region: code ?? '' }, { page: null })
	const shown = data.children.filter((c) => c.count === null || c.count > 0)
	return (
		<>
			{data.unknownRegion ? (
				<p className="form-errors" role="alert">
					{t('browse.region.unknown', { code: data.unknownRegion })}
				</p>
			) : null}
			{data.suggestions.length ? (
				<div className="card" role="status">
					<p style={{ marginTop: 0 }}>{t('browse.region.suggestions')}</p>
					<ul className="plain">
						{data.suggestions.map((s) => (
							<li key={`${s.code}-${s.level}`}>
								<Link to={withRegion(s.code)}>{s.fullName}</Link> <span className="muted">{t(`vocab.level.${s.level}`)}</span>
							</li>
						))}
					</ul>
				</div>
			) : null}
			{data.region ? (
				<nav className="crumbs" aria-label={t('browse.region.breadcrumbs')}>
					<Link to={withRegion(null)}>{t('browse.region.all')}</Link>
					{data.ancestors.map((a) => (
						<span key={a.code}>
							{' › '}
							<Link to={withRegion(a.code)}>{a.name}</Link>
						</span>
					))}
					{' › '}
					<strong aria-current="page">{data.region.name}</strong>{' '}
					{data.region.isKeyCounty ? <span className="tag key">{t('vocab.key_county')}</span> : null}
				</nav>
			) : null}
			{shown.length ? (
				<nav aria-label={t('browse.region.children', { name: data.region?.name ?? t('browse.region.all') })} style={{ marginBottom: 12 }}>
					<span className="muted">{data.region ? t('browse.region.narrow', { name: data.region.name }) : t('browse.region.narrow_top')}</span>{' '}
					{shown.map((c, i) => (
						<span key={c.code}>
							{i ? ' · ' : ''}
							<Link to={withRegion(c.code)} style={{ whiteSpace: 'nowrap' }}>
								{c.name}
								{c.count !== null ? ` (${c.count.toLocaleString()})` : ''}
							</Link>
						</span>
					))}
				</nav>
			) : null}
		</>
	)
}

/** The filters in force, each a link that removes it. */
export function ActiveFilters({ state, items }: { state: UrlState; items: Array<{ key: string; value: string; label: string }> }) {
	const { t } = useTranslation()
	if (!items.length) return null
	const without = (key: string, value: string) => {
		const current = state[key]
		const next = Array.isArray(current) ? current.filter((v) => v !== value) : null
		return hrefWith(state, { [key]: next && next.length ? next : null, page: null })
	}
	return (
		<p style={{ display: 'flex', flexWrap: 'wrap', gap: 6, alignItems: 'center' }}>
			<span className="muted">{t('browse.active.title')}</span>
			{items.map((i) => (
				<Link key={`${i.key}-${i.value}`} to={without(i.key, i.value)} className="tag" aria-label={t('browse.active.remove', { label: i.label })} style={{ textDecoration: 'none' }}>
					{i.label} ✕
				</Link>
			))}
			<Link to=".">{t('browse.filters.reset')}</Link>
		</p>
	)
}

export function ResultCount({ total, page, pages }: { total: number; page: number; pages: number }) {
	const { t } = useTranslation()
	return (
		<p className="muted" role="status">
			{t('browse.total', { count: total })}
			{total > 0 ? ` · ${t('browse.page', { page, pages })}` : null}
		</p>
	)
}

export function EmptyResults({ page, state, text }: { page: number; state: UrlState; text: string }) {
	const { t } = useTranslation()
	return (
		<div className="card">
			<p style={{ margin: 0 }}>{page > 1 ? t('browse.past_end') : text}</p>
			{page > 1 ? (
				<p style={{ margin: '8px 0 0' }}>
					<Link to={hrefWith(state, { page: null })}>{t('browse.first_page')}</Link>
				</p>
			) : null}
		</div>
	)
}

export function Pager({ page, pages, state }: { page: number; pages: number; state: UrlState }) {
	const { t } = useTranslation()
	if (pages <= 1) return null
	return (
		<nav aria-label={t('browse.pagination')} className="row" style={{ alignItems: 'center', marginTop: 12 }}>
			{page > 1 ? (
				<Link to={hrefWith(state, { page: Math.min(page - 1, pages) })} rel="prev" style={{ flex: '0 0 auto' }}>
					{t('common.previous')}
				</Link>
			) : null}
			<span className="muted" style={{ flex: '0 1 auto' }}>
				{t('browse.page', { page, pages })}
			</span>
			{page < pages ? (
				<Link to={hrefWith(state, { page: page + 1 })} rel="next" style={{ flex: '0 0 auto' }}>
					{t('common.next')}
				</Link>
			) : null}
		</nav>
	)
}

export function UrgencyTag({ urgency }: { urgency: string }) {
	const { t } = useTranslation()
	const strong = urgency === 'critical' || urgency === 'high'
	return (
		<span className={strong ? 'tag rejected' : 'tag'}>
			{t('browse.card.urgency')}: {t(`vocab.urgency.${urgency}`)}
		</span>
	)
}

/** One term and its description in a card's definition list. */
export function Pair({ label, children }: { label: string; children: ReactNode }) {
	return (
		<>
			<dt className="muted">{label}</dt>
			<dd style={{ margin: 0, minWidth: 0, overflowWrap: 'anywhere' }}>{children}</dd>
		</>
	)
}
