// The browse pages' shared UI (needs, offers and projects): search row, facet checkboxes, the
// region chooser, active filters, result count, pager, and the cards' definition lists.
import { Link } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { RegionFilterData } from '#app/models/browse.server.ts'
import { type UrlState, hrefWith } from '#app/utils/browse-url.ts'

export const fieldsetStyle = { border: 0, padding: 0, margin: '0 0 12px', minWidth: 0 } as const
export const legendStyle = { fontWeight: 600, padding: 0, marginBottom: 4 } as const
export const resultList = { listStyle: 'none', padding: 0, margin: 0 } as const
export const cardDl = { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 12px', margin: 0 } as const

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
